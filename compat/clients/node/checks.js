// What the two Node drivers (kafkajs, platformatic-kafka) share beyond
// compat/lib/js/compat.js: polling with a deadline and the checks on records
// read back. Records here are {partition, offset (a Number), key, value, who}.
'use strict';

const {check, sleep} = require('../../lib/js/compat.js');

const WAIT_MS = 20000; // how long a scenario waits for what it expects
const QUIET_MS = 500; // then how long it waits for records it must not get

// Polls until done() (which may be async) holds or the deadline passes;
// returns whether it held.
async function waitUntil(done, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const str = (b) => (b === null || b === undefined ? b : b.toString());

const expectOffsets = (got, first = 0) =>
  got.forEach((r, i) => check(r.offset === first + i, `record ${i}: expected offset ${first + i}, got ${r.offset}`));

// key_ordering: 200 records, key<i % 5> = <i / 5>, sent by the default partitioner.
const keyOrderingRecords = () =>
  Array.from({length: 200}, (_, i) => ({key: Buffer.from(`key${i % 5}`), value: Buffer.from(`${i / 5 | 0}`)}));

// Every key's records sit in one partition, their values 0..39 in order.
function expectKeyOrdering(got) {
  check(got.length === 200, `expected 200 records, got ${got.length}`);
  const want = Array.from({length: 40}, (_, i) => i).join();
  for (let k = 0; k < 5; k++) {
    const mine = got.filter((r) => str(r.key) === `key${k}`);
    const partitions = new Set(mine.map((r) => r.partition));
    check(partitions.size === 1, `key${k} is in partitions ${[...partitions]}`);
    const values = mine.map((r) => str(r.value)).join();
    check(values === want, `key${k}: expected values 0..39 in order, got ${values}`);
  }
}

// group_rebalance: `perPartition` records for each of 4 partitions, the
// partition given explicitly.
const perPartitionRecords = (prefix, perPartition) => Array.from({length: 4 * perPartition}, (_, i) => ({
  partition: i % 4, key: Buffer.from(`${prefix}${i}`), value: Buffer.from(`${prefix}${i}`)}));

// Fails unless `records` hold exactly `perPartition` records per partition,
// from offset `first` on, none twice. `r.who` names the member that got it.
function expectPerPartition(records, perPartition, first, who) {
  const seen = new Map();
  for (const r of records) {
    const at = `partition ${r.partition} offset ${r.offset}`;
    check(!seen.has(at), `${who}: ${at} was received twice, by ${seen.get(at)} and by ${r.who}`);
    seen.set(at, r.who);
  }
  for (let p = 0; p < 4; p++) {
    const offsets = records.filter((r) => r.partition === p).map((r) => r.offset).sort((a, b) => a - b);
    const want = Array.from({length: perPartition}, (_, i) => first + i);
    check(offsets.join() === want.join(), `${who}, partition ${p}: expected offsets ${want}, got ${offsets}`);
  }
}

// transactions: 10 records whose keys and values are <prefix>0..9.
const txnRecords = (prefix) =>
  Array.from({length: 10}, (_, i) => ({key: Buffer.from(`${prefix}${i}`), value: Buffer.from(`${prefix}${i}`)}));

// compacted_tombstones: k1=v1, k2=v2, then k1's tombstone (a null value).
const tombstoneRecords = () => [['k1', 'v1'], ['k2', 'v2'], ['k1', null]].map(([k, v]) => ({key: Buffer.from(k),
  value: v === null ? null : Buffer.from(v)}));

module.exports = {
  WAIT_MS, QUIET_MS, waitUntil, str, expectOffsets, keyOrderingRecords, expectKeyOrdering, perPartitionRecords,
  expectPerPartition, txnRecords, tombstoneRecords,
};
