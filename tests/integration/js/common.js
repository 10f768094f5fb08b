'use strict'
// What the KafkaJS scenario scripts share: the client, step reporting,
// polling, and the main() that runs one named scenario with an admin client
// and exits 1 naming the step that failed.

const crypto = require('node:crypto')
const { Kafka, logLevel } = require('kafkajs')

const BOOTSTRAP = process.env.SLUICE_BOOTSTRAP
const TIMEOUT_MS = 30000
let currentStep = 'start'

function makeKafka(clientId) {
  return new Kafka({
    clientId,
    brokers: [BOOTSTRAP],
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
  })
}

const unique = prefix => `${prefix}-${crypto.randomBytes(4).toString('hex')}`
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

function step(name) {
  currentStep = name
  console.log(`step: ${name}`)
}

async function waitFor(predicate, what, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await predicate()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(100)
  }
}

function runScenarios(kafka, script, scenarios) {
  const name = process.argv[2]
  const scenario = scenarios[name]
  if (!BOOTSTRAP || !scenario) {
    console.error(`usage: SLUICE_BOOTSTRAP=host:port node ${script} <${Object.keys(scenarios).join('|')}>`)
    process.exit(2)
  }
  const main = async () => {
    const admin = kafka.admin()
    await admin.connect()
    try {
      await scenario(admin)
    } finally {
      await admin.disconnect()
    }
    console.log(`scenario ${name} passed`)
  }
  main().then(
    () => process.exit(0),
    error => {
      console.error(`FAILED at step "${currentStep}": ${error && error.stack ? error.stack : error}`)
      process.exit(1)
    }
  )
}

module.exports = { TIMEOUT_MS, makeKafka, unique, sleep, step, waitFor, runScenarios }
