// Drive KafkaJS against the capture broker.
//
// Usage: NODE_PATH=/tmp/golden-js/node_modules node drive_kafkajs.js PORT SCENARIO
// Scenarios: produce-none, produce-gzip, idempotent, group.
// (KafkaJS only ships gzip; snappy/lz4/zstd need third-party codec packages.)
'use strict';

const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

const CLIENT_ID = 'golden-kafkajs';
const TOPIC = 'golden-topic';
const GROUP = 'golden-group';

function client(port) {
  return new Kafka({
    clientId: CLIENT_ID,
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.WARN,
  });
}

function messages() {
  return [1, 2, 3].map((i) => ({
    key: `key-${i}`,
    value: `value-${i}`,
    partition: 0,
    headers: { 'golden-header': `hv-${i}` },
  }));
}

async function produce(port, compression, idempotent) {
  const producer = client(port).producer(
    idempotent ? { idempotent: true, maxInFlightRequests: 1 } : { allowAutoTopicCreation: true });
  await producer.connect();
  const res = await producer.send({
    topic: TOPIC,
    acks: -1,
    timeout: 15000,
    compression,
    messages: messages(),
  });
  console.log('produced', JSON.stringify(res));
  await producer.disconnect();
}

async function group(port) {
  const consumer = client(port).consumer({
    groupId: GROUP, sessionTimeout: 30000, heartbeatInterval: 300,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      seen += 1;
      console.log(`consumed offset=${message.offset} key=${message.key} value=${message.value}`);
      if (seen === 2) done(partition);
    },
  });
  const partition = await finished;
  // Stay in the group a little so that at least one Heartbeat is sent.
  await new Promise((resolve) => { setTimeout(resolve, 1500); });
  await consumer.commitOffsets([{ topic: TOPIC, partition, offset: '2' }]);
  await consumer.disconnect();
}

async function main() {
  const port = Number(process.argv[2]);
  const scenario = process.argv[3];
  if (scenario === 'produce-none') await produce(port, CompressionTypes.None, false);
  else if (scenario === 'produce-gzip') await produce(port, CompressionTypes.GZIP, false);
  else if (scenario === 'idempotent') await produce(port, CompressionTypes.None, true);
  else if (scenario === 'group') await group(port);
  else throw new Error(`unknown scenario ${scenario}`);
}

main().then(() => process.exit(0)).catch((e) => { console.error(e); process.exit(1); });
