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
  expectRecords, sleep, main,
};
