'use strict'
// A Node rave-level process that joins the directory argv[2] and puts `${argv[3]}<n>` = `v<n>`
// for n = 0, 1, ..., printing `ACK n` after each acknowledged put, until stdin ends. Then it
// closes and prints `CLOSED leader=<true|false>`. A failure prints
// `ERROR <code> [(cause <code>)] <message>[: <cause's message>]` and exits 1: a test reads that as the follower dying.
const { RaveLevel } = require('rave-level')

async function main () {
  const db = new RaveLevel(process.argv[2])
  const prefix = process.argv[3]
  let leader = false
  db.on('leader', () => { leader = true })
  // rave-level reports a failed attempt to lead as an 'error' event; puts queued then never end.
  db.on('error', fail)
  let stop = false
  process.stdin.on('end', () => { stop = true })
  process.stdin.resume()
  await db.open()
  console.log('OPEN')
  for (let n = 0; !stop; n++) {
    await db.put(prefix + n, 'v' + n)
    console.log('ACK ' + n)
  }
  await db.close()
  console.log('CLOSED leader=' + leader)
}

function fail (err) {
  const cause = err.cause && err.cause.code ? ' (cause ' + err.cause.code + ')' : ''
  const why = err.cause && err.cause.message ? ': ' + err.cause.message : ''
  console.log('ERROR ' + (err.code || '-') + cause + ' ' + err.message + why)
  process.exit(1)
}

main().catch(fail)
