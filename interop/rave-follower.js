'use strict'
// Joins the directory given as argv[2], where a level4j RaveLevel process already leads, as a
// Node rave-level follower; reads what Java wrote, writes, and prints one JSON line.
const { RaveLevel } = require('rave-level')

async function main () {
  const db = new RaveLevel(process.argv[2])
  let leader = false
  db.on('leader', () => { leader = true })
  await db.open()
  const value = await db.get('java:x')
  const keys = await db.keys({ gte: 'java:', lt: 'java;' }).all()
  const reversed = await db.values({ gte: 'java:', lt: 'java;', reverse: true, limit: 1 }).all()
  await db.put('node:a', 'from node')
  await db.batch([{ type: 'put', key: 'node:b', value: '2' }, { type: 'del', key: 'node:a' }])
  await db.close()
  console.log(JSON.stringify({ leader, value, keys, reversed }))
}
main().catch((err) => { console.error(err); process.exit(1) })
