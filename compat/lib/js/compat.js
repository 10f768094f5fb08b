// What every Node compat driver shares: the environment the runner sets, the
// verdict protocol of compat/SCENARIOS.md, and the records each scenario sends.
'use strict';

const env = (name, fallback) => process.env[name] || fallback;

const BOOTSTRAP = env('SLUICE_BOOTSTRAP', '127.0.0.1:9092');
const TOPIC = env('SLUICE_TOPIC', 'compat');
const GROUP = env('SLUICE_GROUP', 'compat-group');
const TXN_ID = env('SLUICE_TXN_ID', 'compat-txn');
const BASE_TIMESTAMP = 1600000000000;

class Verdict extends Error {
  constructor(line) {
    super(line);
    this.line = line;
  }
}

const fail = (reason) => {
  throw new Verdict(`FAIL ${reason}`);
};
const na = (reason) => {
  throw new Verdict(`N/A ${reason}`);
};
const check = (ok, reason) => {
  if (!ok) fail(reason);
};
const log = (...args) => console.error(...args);

const keyed = (n, key = 'k', value = 'v') =>
  Array.from({length: n}, (_, i) => ({key: Buffer.from(`${key}${i}`), value: Buffer.from(`${value}${i}`)}));

const compressible = () =>
  Array.from({length: 200}, (_, i) => ({key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}-${'x'.repeat(200)}`)}));

const oneMiB = () => {
  const b = Buffer.alloc(1 << 20);
  for (let j = 0; j < b.length; j++) b[j] = j % 251;
  return b;
};

const show = (b) => {
  if (b === null || b === undefined) return 'null';
  const s = JSON.stringify(b.toString());
  return s.length > 60 ? `${s.slice(0, 57)}...(${b.length} bytes)` : s;
};
const same = (a, b) => {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
};

// got/want: arrays of {key, value} (Buffers or null); fails naming the first difference.
const expectRecords = (got, want) => {
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    if (!same(got[i].key, want[i].key) || !same(got[i].value, want[i].value)) {
      fail(`record ${i}: expected ${show(want[i].key)}=${show(want[i].value)}, got ${show(got[i].key)}=${show(got[i].value)}`);
    }
  }
  check(got.length === want.length, `expected ${want.length} records, got ${got.length}`);
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polling with a deadline, and the checks on records read back; records here
// are {partition, offset (a Number), key, value, who}.
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

// Runs `driver <scenario>` or `driver --version` and prints the verdict.
const main = async (nameVersion, scenarios) => {
  const arg = process.argv[2];
  if (arg === '--version') {
    console.log(nameVersion);
    return;
  }
  let line = 'PASS';
  try {
    const fn = scenarios[arg];
    if (!fn) fail(`the driver has no scenario ${arg}`);
    await fn();
  } catch (e) {
    if (e instanceof Verdict) {
      line = e.line;
    } else {
      console.error(e);
      line = `FAIL ${e && e.name}: ${e && e.message}`.split('\n')[0];
    }
  }
  console.log(line);
  // Clients may keep sockets and timers alive; the verdict is final.
  process.exit(line.startsWith('FAIL') ? 1 : 0);
};

module.exports = {
  BOOTSTRAP, TOPIC, GROUP, TXN_ID, BASE_TIMESTAMP, MESSAGE_TOO_LARGE: 10, TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37, INVALID_RECORD: 87, Verdict, fail, na, check, log, keyed, compressible, oneMiB,
  expectRecords, sleep, main, WAIT_MS, QUIET_MS, waitUntil, str, expectOffsets, keyOrderingRecords, expectKeyOrdering,
  perPartitionRecords, expectPerPartition, txnRecords, tombstoneRecords,
};
