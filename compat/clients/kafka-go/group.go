package main

// Group members for the consumer group scenarios. kafka-go 0.2.1 has no
// rebalance callback and no call that returns a member's assignment or the
// group's committed offsets; the one place it reports them is its Logger:
// "subscribed to partitions: map[<partition>:<committed offset> ...]" after
// each rebalance (the offsets are its OffsetFetch answer, -2 when none).
// assignmentLog reads that line.

import (
	"context"
	"fmt"
	"log"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

// sink is where members deliver their records and errors.
type sink struct {
	records chan kafka.Message
	errs    chan error
}

func newSink() sink {
	return sink{make(chan kafka.Message), make(chan error, 4)}
}

// member is one group Reader in SLUICE_GROUP; it commits every record it
// fetches before delivering it to its sink.
type member struct {
	name       string
	reader     *kafka.Reader
	assignment *assignmentLog
	cancel     context.CancelFunc
	pumping    sync.WaitGroup
	closing    sync.Once
}

func joinGroup(name string, out sink) *member {
	m := &member{name: name, assignment: &assignmentLog{name: name}}
	m.reader = kafka.NewReader(kafka.ReaderConfig{
		Brokers:  []string{compat.Bootstrap},
		GroupID:  compat.Group,
		Topic:    compat.Topic,
		MinBytes: 1,
		MaxBytes: fetchMaxBytes,
		MaxWait:  250 * time.Millisecond,
		// A quick heartbeat notices a rebalance quickly. The short session
		// (Kafka's minimum, group.min.session.timeout.ms) matters because
		// kafka-go 0.2.1's Close never sends LeaveGroup: it dials the
		// coordinator with a context it has just cancelled, so the group
		// only rebalances once the closed member's session expires.
		HeartbeatInterval: 250 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  6 * time.Second,
		Logger:            log.New(m.assignment, "", 0),
		ErrorLogger:       log.New(os.Stderr, name+" error: ", log.Lmicroseconds),
	})
	var ctx context.Context
	ctx, m.cancel = context.WithCancel(context.Background())
	m.pumping.Add(1)
	go func() {
		defer m.pumping.Done()
		m.pump(ctx, out)
	}()
	return m
}

func (m *member) pump(ctx context.Context, out sink) {
	for {
		msg, err := m.reader.FetchMessage(ctx)
		if err == nil {
			err = m.reader.CommitMessages(ctx, msg)
		}
		if err != nil {
			if ctx.Err() != nil {
				return // closing
			}
			select {
			case out.errs <- fmt.Errorf("%s: %v", m.name, err):
			case <-ctx.Done():
			}
			return
		}
		select {
		case out.records <- msg:
		case <-ctx.Done():
			return
		}
	}
}

// close stops delivering and closes the Reader (see SessionTimeout on why
// the member leaves the group only when its session expires); only the
// first call does anything.
func (m *member) close() {
	m.closing.Do(func() {
		m.cancel()
		m.pumping.Wait()
		m.reader.Close()
	})
}

// assignmentLog is the Reader's Logger: it forwards the lines to stderr and
// keeps the latest assignment (nil while a rebalance is under way).
type assignmentLog struct {
	name     string
	mutex    sync.Mutex
	assigned map[int]int64
}

var subscribedLine = regexp.MustCompile(`subscribed to partitions: map\[(.*)\]`)

func (a *assignmentLog) Write(line []byte) (int, error) {
	fmt.Fprintf(os.Stderr, "%s %s: %s", time.Now().Format("15:04:05.000000"), a.name, line)
	text := string(line)
	a.mutex.Lock()
	defer a.mutex.Unlock()
	if strings.Contains(text, "rebalancing consumer group") {
		a.assigned = nil
	}
	if match := subscribedLine.FindStringSubmatch(text); match != nil {
		a.assigned = map[int]int64{}
		for _, pair := range strings.Fields(match[1]) {
			partition, offset, _ := strings.Cut(pair, ":")
			p, err1 := strconv.Atoi(partition)
			o, err2 := strconv.ParseInt(offset, 10, 64)
			if err1 == nil && err2 == nil {
				a.assigned[p] = o
			}
		}
	}
	return len(line), nil
}

// partitions returns the assigned partitions, sorted.
func (a *assignmentLog) partitions() []int {
	a.mutex.Lock()
	defer a.mutex.Unlock()
	out := make([]int, 0, len(a.assigned))
	for p := range a.assigned {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

// offsets returns the committed offsets reported with the assignment.
func (a *assignmentLog) offsets() map[int]int64 {
	a.mutex.Lock()
	defer a.mutex.Unlock()
	out := map[int]int64{}
	for p, o := range a.assigned {
		out[p] = o
	}
	return out
}
