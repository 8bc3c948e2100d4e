'use strict'

// A Node many-level guest against a level4j host that allows 3 open iterators per connection.
// Usage: node limits-check.js tcp:PORT | unix:PATH
// A fourth iterator fails with the code LEVEL_LIMIT_EXCEEDED, the connection goes on, and closing
// an iterator makes room for another. Prints "ok limits"; exits non-zero at the first failure.

const assert = require('assert')
const connectGuest = require('./connect-guest')

const target = process.argv[2] || ''

async function main () {
  const db = await connectGuest(target)
  await db.put('a', '1')

  const held = []
  for (let i = 0; i < 3; i++) {
    const it = db.iterator()
    assert.deepStrictEqual(await it.next(), ['a', '1'])
    held.push(it)
  }
  const fourth = db.iterator()
  await assert.rejects(fourth.next(), { code: 'LEVEL_LIMIT_EXCEEDED' })
  fourth.seek('a') // ignored by the guest once failed, as by the host
  await fourth.close()
  assert.strictEqual(await db.get('a'), '1')

  await held[0].close()
  const again = db.iterator()
  assert.deepStrictEqual(await again.next(), ['a', '1'])
  await again.close()
  for (const it of held.slice(1)) await it.close()
  await db.close()
  console.log('ok limits')
}

main().catch(err => {
  console.error('FAILED:', err)
  process.exit(1)
})
