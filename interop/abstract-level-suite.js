'use strict'

// abstract-level's own test suite (the test/ folder of abstract-level 1.0.4, installed here as the
// dependency of many-level 2.0.0 and rave-level 1.0.0), run with tape through npm many-level
// 2.0.0 guests, as many-level's own test/abstract.js runs it. Usage:
//   node abstract-level-suite.js unix:PATH   guests of a level4j factory host at PATH
//   node abstract-level-suite.js baseline    guests of npm's own many-level host over memory-level
//
// The suite calls factory() for each fresh database, and closes and reopens databases. Each
// factory() call names a database; every connection of its guest (the first open and each
// reopen) starts with one line, that name and '\n', and the rest is many-level's protocol. The
// factory host serves each name a database of its own, with the data it had when the guest
// reconnects.
//
// Prints one line per failed assertion, "FAIL\t<test>\t<assertion>\t<detail>", then
// "SUMMARY\ttests=N\tassertions=N\tpassed=N\tfailed=N\tfactory_calls=N\tms=N", and exits 0
// only if nothing failed.

const net = require('net')
const tape = require('tape')
const suite = require('abstract-level/test')
const { ManyLevelGuest, ManyLevelHost } = require('many-level-2')
const { MemoryLevel } = require('memory-level')

const target = process.argv[2] || ''
if (!target.startsWith('unix:') && target !== 'baseline') {
  console.error('usage: node abstract-level-suite.js unix:PATH | baseline')
  process.exit(2)
}

const started = Date.now()
const names = new Map() // tape's test id -> test name
let tests = 0
let assertions = 0
let failed = 0
let factoryCalls = 0

const results = tape.createStream({ objectMode: true })
results.on('data', function (row) {
  if (row.type === 'test') {
    names.set(row.id, row.name)
    tests++
  } else if (row.type === 'assert') {
    assertions++
    if (!row.ok && !row.skip && !row.todo) {
      failed++
      console.log(['FAIL', names.get(row.test), row.name, detail(row)].map(oneLine).join('\t'))
    }
  }
})
results.on('end', function () {
  console.log(['SUMMARY', 'tests=' + tests, 'assertions=' + assertions,
    'passed=' + (assertions - failed), 'failed=' + failed, 'factory_calls=' + factoryCalls,
    'ms=' + (Date.now() - started)].join('\t'))
  // Guests the suite leaves open (the parents of its sublevels) would keep the process alive.
  process.exit(failed === 0 ? 0 : 1)
})

function detail (row) {
  const e = row.operator === 'error' ? row.error : row.actual
  if (e instanceof Error) {
    return row.operator + ': ' + (e.code ? e.code + ': ' : '') + e.message
  }
  return row.operator + ': expected ' + show(row.expected) + ', got ' + show(row.actual)
}

function show (v) {
  if (Buffer.isBuffer(v)) return 'Buffer<' + v.toString('hex') + '>'
  try {
    return JSON.stringify(v)
  } catch (_) {
    return String(v)
  }
}

function oneLine (s) {
  return String(s).replace(/[\t\r\n]+/g, ' ')
}

function factory (options) {
  const name = 'db' + (++factoryCalls)
  return new ManyLevelGuest({ ...options, _remote: target === 'baseline' ? memoryHost() : dial(name) })
}

// As many-level's test/abstract.js: one memory-level database per factory() call, kept by its
// host across the guest's reconnections.
function memoryHost () {
  const host = new ManyLevelHost(new MemoryLevel())
  return () => host.createRpcStream()
}

function dial (name) {
  return function () {
    const socket = net.connect(target.slice(5))
    socket.write(name + '\n')
    return socket
  }
}

suite({ test: tape, factory })
