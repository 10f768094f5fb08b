package main

// Group members for the consumer group scenarios: each polls in its own
// goroutine (librdkafka runs rebalances from the poll), commits every record
// it gets, and tracks its assignment through the rebalance callback.

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

// sink is where members deliver their records and errors.
type sink struct {
	records chan *kafka.Message
	errs    chan error
}

func newSink() sink {
	return sink{make(chan *kafka.Message), make(chan error, 4)}
}

// collect takes want records, then waits compat.QuietWait for a record too many.
func (s sink) collect(want int) []*kafka.Message {
	return compat.Collect(s.records, s.errs, want, func(m *kafka.Message) string {
		return fmt.Sprintf("%v key %q", m, m.Key)
	})
}

// member is a consumer subscribed to the topic in SLUICE_GROUP.
type member struct {
	name     string
	consumer *kafka.Consumer
	out      sink
	stop     chan struct{}
	polling  sync.WaitGroup
	closing  sync.Once

	mutex    sync.Mutex
	assigned []int32 // nil while a rebalance is under way
}

func joinGroup(name string, out sink) *member {
	c, err := kafka.NewConsumer(configWith(kafka.ConfigMap{
		"group.id":           compat.Group,
		"auto.offset.reset":  "earliest",
		"enable.auto.commit": false,
		// Kafka's minimum session (group.min.session.timeout.ms) and a
		// quick heartbeat keep rebalances short.
		"session.timeout.ms":    6000,
		"heartbeat.interval.ms": 500,
	}))
	compat.Must(err, "create consumer "+name)
	m := &member{name: name, consumer: c, out: out, stop: make(chan struct{})}
	compat.Must(c.Subscribe(topic, m.rebalanced), "subscribe "+name)
	m.polling.Add(1)
	go func() {
		defer m.polling.Done()
		m.poll()
	}()
	return m
}

// rebalanced records the assignment; returning without calling Assign
// lets confluent-kafka-go apply it.
func (m *member) rebalanced(_ *kafka.Consumer, e kafka.Event) error {
	fmt.Fprintf(os.Stderr, "%s %s: %v\n", time.Now().Format("15:04:05.000000"), m.name, e)
	m.mutex.Lock()
	defer m.mutex.Unlock()
	switch e := e.(type) {
	case kafka.AssignedPartitions:
		m.assigned = []int32{}
		for _, tp := range e.Partitions {
			m.assigned = append(m.assigned, tp.Partition)
		}
		sort.Slice(m.assigned, func(i, j int) bool { return m.assigned[i] < m.assigned[j] })
	case kafka.RevokedPartitions:
		m.assigned = nil
	}
	return nil
}

func (m *member) partitions() []int32 {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	return append([]int32(nil), m.assigned...)
}

func (m *member) poll() {
	for {
		select {
		case <-m.stop:
			return
		default:
		}
		switch e := m.consumer.Poll(int(pollTimeout / time.Millisecond)).(type) {
		case *kafka.Message:
			err := e.TopicPartition.Error
			if err == nil {
				_, err = m.consumer.CommitMessage(e)
			}
			if err != nil {
				m.report(fmt.Errorf("%s: %v", m.name, err))
				return
			}
			select {
			case m.out.records <- e:
			case <-m.stop:
				return
			}
		case kafka.Error:
			// librdkafka reports transient errors it recovers from.
			fmt.Fprintf(os.Stderr, "%s: error event: %v\n", m.name, e)
		}
	}
}

func (m *member) report(err error) {
	select {
	case m.out.errs <- err:
	case <-m.stop:
	}
}

// close stops polling and closes the consumer, which leaves the group; only
// the first call does anything. A failed close is logged, not fatal: close
// also runs deferred while a failure unwinds, whose reason must survive; the
// scenario's next check sees whether the member really left.
func (m *member) close() {
	m.closing.Do(func() {
		close(m.stop)
		m.polling.Wait()
		if err := m.consumer.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: close: %v\n", m.name, err)
		}
	})
}
