'use strict'
// KafkaJS transactions against a real sluice, run by test_transactions_kafkajs.py:
//   node transactions.test.js <scenario>   with SLUICE_BOOTSTRAP=host:port
// Scenarios:
//   commit-and-abort   a committed and an aborted transaction: a read_committed
//                      consumer sees only the committed records.
//   send-offsets       consume-transform-produce with sendOffsets: the output is
//                      visible and the group's offsets move only on commit.
// Prints each step; exits 1 with the failing step on any failure.

const assert = require('node:assert/strict')
const { makeKafka, unique, sleep, step, waitFor, runScenarios } = require('./common')

const kafka = makeKafka('sluice-kafkajs-txns')

function transactionalProducer() {
  return kafka.producer({ transactionalId: unique('kjs-tid'), idempotent: true, maxInFlightRequests: 1 })
}

// Every value a read_committed consumer of a fresh group reads from the
// beginning, once `expected` arrived and nothing more came for a second.
async function readCommitted(topic, expected) {
  const consumer = kafka.consumer({ groupId: unique('kjs-reader'), maxWaitTimeInMs: 250, readUncommitted: false })
  const values = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message }) => values.push(message.value.toString()) })
  let last = -1
  await waitFor(async () => {
    if (values.length < expected) return false
    const settled = values.length === last
    last = values.length
    if (!settled) await sleep(1000)
    return settled
  }, `${expected} committed records of ${topic}, got ${values.length}`)
  await consumer.disconnect()
  return values
}

const scenarios = {
  async 'commit-and-abort'(admin) {
    const topic = unique('kjs-txn')
    step('create the topic')
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })

    const producer = transactionalProducer()
    await producer.connect()
    step('commit a transaction of 20')
    const committed = await producer.transaction()
    const values = []
    for (let i = 0; i < 20; i++) values.push(`committed-${i}`)
    await committed.send({ topic, messages: values.map(value => ({ value })) })
    await committed.commit()

    step('abort a transaction of 10')
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `aborted-${i}` })) })
    await aborted.abort()
    await producer.disconnect()

    step('read_committed sees only the committed records')
    const seen = await readCommitted(topic, values.length)
    assert.deepEqual(seen.sort(), values.sort())
  },

  async 'send-offsets'(admin) {
    const source = unique('kjs-in')
    const sink = unique('kjs-out')
    const groupId = unique('kjs-eos')
    step('create the topics and fill the input')
    await admin.createTopics({ topics: [{ topic: source }, { topic: sink }], waitForLeaders: true })
    const plain = kafka.producer()
    await plain.connect()
    await plain.send({ topic: source, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ value: `r${i}` })) })
    await plain.disconnect()

    step('consume, transform and produce in transactions with sendOffsets')
    const producer = transactionalProducer()
    await producer.connect()
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, readUncommitted: false })
    await consumer.connect()
    await consumer.subscribe({ topic: source, fromBeginning: true })
    let done = 0
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const txn = await producer.transaction()
        await txn.send({ topic: sink, messages: batch.messages.map(m => ({ value: `out-${m.value}` })) })
        const next = (BigInt(batch.lastOffset()) + 1n).toString()
        await txn.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: source, partitions: [{ partition: batch.partition, offset: next }] }],
        })
        await txn.commit()
        done += batch.messages.length
      },
    })
    await waitFor(() => done >= 30, `30 records transformed, ${done} so far`)
    await consumer.disconnect()
    await producer.disconnect()

    step('the group committed offset 30 through the transaction')
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [source] })
    assert.deepEqual(offsets.partitions.map(p => p.offset), ['30'])

    step('the output holds each transformed record once')
    const out = await readCommitted(sink, 30)
    assert.deepEqual(out.sort(), Array.from({ length: 30 }, (_, i) => `out-r${i}`).sort())
  },
}

runScenarios(kafka, 'transactions.test.js', scenarios)
