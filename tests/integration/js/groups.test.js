'use strict'
// KafkaJS consumer groups against a real sluice, run by test_groups_kafkajs.py:
//   node groups.test.js <scenario>   with SLUICE_BOOTSTRAP=host:port
// Scenarios:
//   members-and-admin  two consumers split a topic and consume everything once;
//                      fetchOffsets, describeGroups, listGroups, deleteGroups.
//   alter-offsets      setOffsets/resetOffsets move where the group resumes.
// Prints each step; exits 1 with the failing step on any failure.

const assert = require('node:assert/strict')
const { AssignerProtocol } = require('kafkajs')
const { makeKafka, unique, sleep, step, waitFor, runScenarios } = require('./common')

const kafka = makeKafka('sluice-kafkajs-groups')

// A consumer-group member that records its records and, from GROUP_JOIN, its assignment.
class Member {
  constructor(groupId, topic, name, { fromBeginning = true } = {}) {
    Object.assign(this, { groupId, topic, name, fromBeginning })
    this.assignment = new Set()
    this.memberId = null
    this.records = []
    this.crash = null
  }

  async start() {
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 250,
      retry: { initialRetryTime: 100, retries: 8 },
    })
    const { GROUP_JOIN, CRASH } = this.consumer.events
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.memberId = payload.memberId
      this.assignment = new Set(
        Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map(p => `${t}:${p}`))
      )
    })
    this.consumer.on(CRASH, ({ payload }) => {
      this.crash = payload.error
    })
    await this.consumer.connect()
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: this.fromBeginning })
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.records.push({ partition, offset: Number(message.offset), value: message.value.toString() })
      },
    })
    return this
  }

  async stop() {
    await this.consumer.disconnect()
  }
}

function isSplit(members, partitions) {
  const all = members.flatMap(m => [...m.assignment])
  return (
    members.every(m => m.assignment.size > 0) &&
    all.length === partitions.length &&
    new Set(all).size === all.length &&
    partitions.every(p => all.includes(p))
  )
}

async function waitSplit(members, partitions, what) {
  await waitFor(async () => {
    const crashed = members.find(m => m.crash)
    if (crashed) throw new Error(`${crashed.name} crashed: ${crashed.crash}`)
    if (!isSplit(members, partitions)) return false
    const before = members.map(m => [...m.assignment].sort().join(','))
    await sleep(500)
    return members.every((m, i) => [...m.assignment].sort().join(',') === before[i])
  }, `${what}: assignments ${JSON.stringify(members.map(m => [...m.assignment]))}`)
}

async function produce(topic, partitions, perPartition, tag) {
  const producer = kafka.producer()
  await producer.connect()
  const values = []
  const messages = []
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      const value = `${tag}-${p}-${i}`
      values.push(value)
      messages.push({ value, partition: p })
    }
  }
  await producer.send({ topic, acks: -1, messages })
  await producer.disconnect()
  return values
}

function assertEachOnce(records, values, what) {
  const positions = records.map(r => `${r.partition}:${r.offset}`)
  assert.equal(new Set(positions).size, positions.length, `${what}: some record was delivered twice`)
  assert.deepEqual(records.map(r => r.value).sort(), [...values].sort(), `${what}: consumed values differ`)
}

async function committedOffsets(admin, groupId, topic) {
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] })
  assert.equal(result.topic, topic)
  const out = {}
  for (const { partition, offset } of result.partitions) out[partition] = offset
  return out
}

async function expectDeleteError(admin, groupId, errorCode, type) {
  let error = null
  try {
    await admin.deleteGroups([groupId])
  } catch (e) {
    error = e
  }
  assert.ok(error, `deleteGroups([${groupId}]) should fail with ${type}`)
  assert.equal(error.name, 'KafkaJSDeleteGroupsError', `unexpected error: ${error}`)
  assert.deepEqual(
    error.groups.map(g => [g.groupId, g.errorCode]),
    [[groupId, errorCode]],
    `deleteGroups([${groupId}]) should fail with ${type}`
  )
}

const scenarios = {
  async 'members-and-admin'(admin) {
    const topic = unique('kjs-grp')
    const groupId = unique('kjs-g')
    const partitions = [0, 1, 2].map(p => `${topic}:${p}`)

    step('create a 3-partition topic')
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })

    step('two consumers join and split the partitions')
    const a = await new Member(groupId, topic, 'a').start()
    const b = await new Member(groupId, topic, 'b').start()
    await waitSplit([a, b], partitions, 'two KafkaJS members on three partitions')

    step('a KafkaJS producer writes 300 records; the group consumes each once')
    const values = await produce(topic, 3, 100, 'kjs')
    await waitFor(() => a.records.length + b.records.length >= 300, '300 records consumed')
    await sleep(500)
    assertEachOnce([...a.records, ...b.records], values, 'two members')
    for (const m of [a, b]) {
      for (const r of m.records) {
        assert.ok(m.assignment.has(`${topic}:${r.partition}`), `${m.name} consumed partition ${r.partition}`)
      }
    }

    step('fetchOffsets shows the auto-committed offsets')
    const expected = { 0: '100', 1: '100', 2: '100' }
    await waitFor(
      async () => JSON.stringify(await committedOffsets(admin, groupId, topic)) === JSON.stringify(expected),
      `committed offsets ${JSON.stringify(expected)}`
    )

    step('describeGroups shows a stable group with both members and their assignments')
    const { groups } = await admin.describeGroups([groupId])
    assert.equal(groups.length, 1)
    const group = groups[0]
    assert.equal(group.groupId, groupId)
    assert.equal(group.errorCode, 0)
    assert.equal(group.state, 'Stable')
    assert.equal(group.protocolType, 'consumer')
    assert.equal(group.protocol, 'RoundRobinAssigner')
    assert.deepEqual(group.members.map(m => m.memberId).sort(), [a.memberId, b.memberId].sort())
    for (const member of group.members) {
      const { assignment } = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)
      const owned = new Set((assignment[topic] || []).map(p => `${topic}:${p}`))
      const m = member.memberId === a.memberId ? a : b
      assert.deepEqual([...owned].sort(), [...m.assignment].sort(), `DescribeGroups assignment of ${m.name}`)
    }

    step('listGroups lists the group')
    const listed = (await admin.listGroups()).groups
    assert.deepEqual(listed.filter(g => g.groupId === groupId), [{ groupId, protocolType: 'consumer' }])

    step('deleteGroups refuses a group with members (NON_EMPTY_GROUP)')
    await expectDeleteError(admin, groupId, 68, 'NON_EMPTY_GROUP')

    step('the members leave; the group is Empty and keeps its offsets')
    await a.stop()
    await b.stop()
    const empty = (await admin.describeGroups([groupId])).groups[0]
    assert.equal(empty.state, 'Empty')
    assert.deepEqual(empty.members, [])
    assert.deepEqual(await committedOffsets(admin, groupId, topic), expected)

    step('deleteGroups deletes the empty group')
    const deleted = await admin.deleteGroups([groupId])
    assert.deepEqual(deleted.map(r => [r.groupId, r.errorCode]), [[groupId, 0]])
    assert.equal((await admin.listGroups()).groups.filter(g => g.groupId === groupId).length, 0)
    const dead = (await admin.describeGroups([groupId])).groups[0]
    assert.equal(dead.state, 'Dead')
    assert.deepEqual(dead.members, [])
    assert.deepEqual(await committedOffsets(admin, groupId, topic), { 0: '-1', 1: '-1', 2: '-1' })

    step('deleteGroups of an unknown group fails with GROUP_ID_NOT_FOUND')
    await expectDeleteError(admin, unique('kjs-never'), 69, 'GROUP_ID_NOT_FOUND')
  },

  async 'alter-offsets'(admin) {
    const topic = unique('kjs-offsets')
    const groupId = unique('kjs-g-offsets')

    step('create a topic with 2 x 100 records')
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
    const values = await produce(topic, 2, 100, 'alter')

    step('a member consumes everything and commits')
    const first = await new Member(groupId, topic, 'first').start()
    await waitFor(() => first.records.length >= 200, '200 records')
    await waitFor(
      async () => JSON.stringify(await committedOffsets(admin, groupId, topic)) === '{"0":"100","1":"100"}',
      'offsets 100 committed'
    )
    await first.stop()

    step('setOffsets moves the group to offsets 90 and 95')
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '95' },
      ],
    })
    assert.deepEqual(await committedOffsets(admin, groupId, topic), { 0: '90', 1: '95' })

    step('a new member (fromBeginning: false) resumes at the set offsets')
    const resumed = await new Member(groupId, topic, 'resumed', { fromBeginning: false }).start()
    await waitFor(() => resumed.records.length >= 15, '15 records from offsets 90 and 95')
    await sleep(500)
    assert.deepEqual(
      resumed.records.map(r => `${r.partition}:${r.offset}`).sort(),
      [...[...Array(10).keys()].map(i => `0:${90 + i}`), ...[...Array(5).keys()].map(i => `1:${95 + i}`)].sort()
    )
    await waitFor(
      async () => JSON.stringify(await committedOffsets(admin, groupId, topic)) === '{"0":"100","1":"100"}',
      'offsets 100 committed again'
    )
    await resumed.stop()

    step('resetOffsets (earliest) replaces the committed offsets; the group rereads everything')
    await admin.resetOffsets({ groupId, topic, earliest: true })
    const reset = await committedOffsets(admin, groupId, topic)
    assert.notDeepEqual(reset, { 0: '100', 1: '100' }, 'resetOffsets left the old commits in place')
    const again = await new Member(groupId, topic, 'again').start()
    await waitFor(() => again.records.length >= 200, '200 records after the reset')
    await sleep(500)
    assertEachOnce(again.records, values, 'after resetOffsets')
    await again.stop()
  },
}

runScenarios(kafka, 'groups.test.js', scenarios)
