package main

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

// groupConfig makes rebalances and commits quick enough for a few-second
// scenario: sarama notices a rebalance only on its next heartbeat.
func groupConfig(initial int64) *sarama.Config {
	c := newConfig()
	c.Consumer.Offsets.Initial = initial
	c.Consumer.Offsets.CommitInterval = 200 * time.Millisecond
	c.Consumer.Group.Heartbeat.Interval = 300 * time.Millisecond
	c.Consumer.Group.Session.Timeout = 10 * time.Second
	c.Consumer.Group.Rebalance.Retry.Backoff = 200 * time.Millisecond
	return c
}

// member is one consumer of group SLUICE_GROUP. It forwards every message it
// consumes to sink and marks it for commit only once handed over, so the
// committed offsets never run ahead of what the scenario saw.
type member struct {
	name   string
	group  sarama.ConsumerGroup
	cancel context.CancelFunc
	sink   chan<- *sarama.ConsumerMessage
	errs   errorLog
	loop   sync.WaitGroup
	closed sync.Once

	mu     sync.Mutex
	claims []int32 // partitions of the current session; nil between sessions
}

func joinGroup(name string, cfg *sarama.Config, sink chan<- *sarama.ConsumerMessage) *member {
	group, err := sarama.NewConsumerGroup(bootstrap(), compat.Group, cfg)
	compat.Must(err, "create consumer group member "+name)
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{name: name, group: group, cancel: cancel, sink: sink}
	m.loop.Add(2)
	go m.consumeLoop(ctx)
	go m.forwardErrors()
	return m
}

// consumeLoop rejoins after every rebalance: sarama's Consume returns when
// its session ends.
func (m *member) consumeLoop(ctx context.Context) {
	defer m.loop.Done()
	for ctx.Err() == nil {
		if err := m.group.Consume(ctx, []string{compat.Topic}, m); err != nil {
			m.errs.add(err)
			if err == sarama.ErrClosedConsumerGroup {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func (m *member) forwardErrors() {
	defer m.loop.Done()
	for err := range m.group.Errors() {
		m.errs.add(err)
	}
}

// leave ends the session (committing marked offsets) and leaves the group.
// Close's error is only logged: it is whichever error sarama still had
// queued, often a harmless one from an earlier rebalance; a leave the broker
// ignored shows as the other members not being reassigned in time.
// It may be called again (deferred cleanup) and then does nothing.
func (m *member) leave() {
	m.closed.Do(func() {
		m.cancel()
		if err := m.group.Close(); err != nil {
			compat.Log("member %s: close: %v", m.name, err)
		}
		m.loop.Wait()
	})
}

func (m *member) Setup(s sarama.ConsumerGroupSession) error {
	claims := append([]int32(nil), s.Claims()[compat.Topic]...)
	sort.Slice(claims, func(i, j int) bool { return claims[i] < claims[j] })
	compat.Log("member %s: generation %d assigned %v", m.name, s.GenerationID(), claims)
	m.setClaims(claims)
	return nil
}

func (m *member) Cleanup(s sarama.ConsumerGroupSession) error {
	compat.Log("member %s: generation %d ends", m.name, s.GenerationID())
	m.setClaims(nil)
	return nil
}

func (m *member) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		select {
		case m.sink <- msg:
			s.MarkMessage(msg, "")
		case <-s.Context().Done():
			return nil
		}
	}
	return nil
}

func (m *member) setClaims(claims []int32) {
	m.mu.Lock()
	m.claims = claims
	m.mu.Unlock()
}

func (m *member) currentClaims() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.claims
}

// waitFor polls cond until it holds or within has passed.
func waitFor(what string, within time.Duration, cond func() bool) {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			compat.Fail("timed out after %v waiting until %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
