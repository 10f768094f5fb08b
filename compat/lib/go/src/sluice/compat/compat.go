// Package compat is what every Go compat driver shares: the environment the
// runner sets, the verdict protocol of compat/SCENARIOS.md, and the records
// each scenario sends.
package compat

import (
	"fmt"
	"os"
	"strings"
	"time"
)

const (
	BrokerID           = 1
	BaseTimestamp      = int64(1600000000000)
	MessageTooLarge    = 10
	TopicAlreadyExists = 36
	InvalidPartitions  = 37
	InvalidRecord      = 87
)

// ReadDeadline bounds every wait of a scenario; QuietWait is how long a read
// back waits for a record too many (SCENARIOS.md: "Read back").
const (
	ReadDeadline = 20 * time.Second
	QuietWait    = 500 * time.Millisecond
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

var (
	Bootstrap = env("SLUICE_BOOTSTRAP", "127.0.0.1:9092")
	Topic     = env("SLUICE_TOPIC", "compat")
	Group     = env("SLUICE_GROUP", "compat-group")
	TxnID     = env("SLUICE_TXN_ID", "compat-txn")
)

// verdict ends a scenario early; it is recovered by Main.
type verdict struct{ line string }

// Fail ends the scenario with FAIL and a one-line reason.
func Fail(format string, args ...interface{}) {
	panic(verdict{"FAIL " + oneLine(fmt.Sprintf(format, args...))})
}

// NA ends the scenario as not applicable: the client lacks the feature.
func NA(format string, args ...interface{}) {
	panic(verdict{"N/A " + oneLine(fmt.Sprintf(format, args...))})
}

// Check fails with the reason unless ok.
func Check(ok bool, format string, args ...interface{}) {
	if !ok {
		Fail(format, args...)
	}
}

// Must fails when err is not nil, naming what was being done.
func Must(err error, what string) {
	if err != nil {
		Fail("%s: %v", what, err)
	}
}

// Log writes diagnostics to stderr (the runner keeps them).
func Log(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Record is a key/value pair; a nil slice is a null key or value.
type Record struct {
	Key, Value []byte
}

// Keyed returns k0=v0 ... k<n-1>=v<n-1> with the given prefixes.
func Keyed(n int, key, value string) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = Record{[]byte(fmt.Sprintf("%s%d", key, i)), []byte(fmt.Sprintf("%s%d", value, i))}
	}
	return out
}

// Compressible returns the compression scenarios' 200 records.
func Compressible() []Record {
	out := make([]Record, 200)
	for i := range out {
		out[i] = Record{[]byte(fmt.Sprintf("k%d", i)), []byte(fmt.Sprintf("value-%d-%s", i, strings.Repeat("x", 200)))}
	}
	return out
}

// OneMiB returns the value_1mib scenario's value.
func OneMiB() []byte {
	out := make([]byte, 1<<20)
	for j := range out {
		out[j] = byte(j % 251)
	}
	return out
}

// ExpectRecords fails naming the first record that differs, keeping null and
// empty apart.
func ExpectRecords(got, want []Record) {
	for i := 0; i < len(got) && i < len(want); i++ {
		if !sameBytes(got[i].Key, want[i].Key) || !sameBytes(got[i].Value, want[i].Value) {
			Fail("record %d: expected %s=%s, got %s=%s", i, show(want[i].Key), show(want[i].Value),
				show(got[i].Key), show(got[i].Value))
		}
	}
	Check(len(got) == len(want), "expected %d records, got %d", len(want), len(got))
}

func sameBytes(a, b []byte) bool {
	return (a == nil) == (b == nil) && string(a) == string(b)
}

func show(b []byte) string {
	if b == nil {
		return "null"
	}
	if len(b) > 40 {
		return fmt.Sprintf("%q...(%d bytes)", b[:40], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// WaitFor polls until done() holds, failing with what (and state()) after
// ReadDeadline.
func WaitFor(what string, done func() bool, state func() string) {
	deadline := time.Now().Add(ReadDeadline)
	for !done() {
		if time.Now().After(deadline) {
			Fail("%s: not within %v (%s)", what, ReadDeadline, state())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Collect takes want records from a consumer's channel, then waits QuietWait
// for a record too many, which fails (described by show).
func Collect[T any](records <-chan T, errs <-chan error, want int, show func(T) string) []T {
	var got []T
	deadline := time.After(ReadDeadline)
	for len(got) < want {
		select {
		case m := <-records:
			got = append(got, m)
		case err := <-errs:
			Fail("read failed after %d of %d records: %v", len(got), want, err)
		case <-deadline:
			Fail("read %d of %d records within %v", len(got), want, ReadDeadline)
		}
	}
	quiet := time.After(QuietWait)
	for {
		select {
		case m := <-records:
			Fail("record beyond the expected %d: %s", want, show(m))
		case err := <-errs:
			Fail("read failed after all %d records: %v", want, err)
		case <-quiet:
			return got
		}
	}
}

// Main runs `driver <scenario>` or `driver --version` and prints the verdict.
func Main(nameVersion string, scenarios map[string]func()) {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: driver <scenario>|--version")
		os.Exit(2)
	}
	if os.Args[1] == "--version" {
		fmt.Println(nameVersion)
		return
	}
	line := run(scenarios, os.Args[1])
	fmt.Println(line)
	if strings.HasPrefix(line, "FAIL") {
		os.Exit(1)
	}
}

func run(scenarios map[string]func(), name string) (line string) {
	defer func() {
		if r := recover(); r != nil {
			if v, ok := r.(verdict); ok {
				line = v.line
				return
			}
			line = oneLine(fmt.Sprintf("FAIL panic: %v", r))
		}
	}()
	fn, ok := scenarios[name]
	if !ok {
		Fail("the driver has no scenario %s", name)
	}
	fn()
	return "PASS"
}
