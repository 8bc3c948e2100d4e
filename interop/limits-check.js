'use strict'

// A Node many-level guest against a level4j host that allows 3 open iterators per connection
// and frames of 1 MiB (so 16,384 keys or operations a request).
// Usage: node limits-check.js tcp:PORT | unix:PATH
// A fourth iterator fails with the code LEVEL_LIMIT_EXCEEDED, the connection goes on, and closing
// an iterator makes room for another. A getMany and a batch of 16,385 fail with the same code,
// nothing of the batch is written, and 16,384 of either are served. Prints "ok limits"; exits
// non-zero at the first failure.

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

  const keys = []
  const ops = []
  for (let i = 0; i < 16385; i++) {
    keys.push('k' + i)
    ops.push({ type: 'put', key: 'k' + i, value: 'v' })
  }
  await assert.rejects(db.getMany(keys), { code: 'LEVEL_LIMIT_EXCEEDED' })
  await assert.rejects(db.batch(ops), { code: 'LEVEL_LIMIT_EXCEEDED' })
  assert.deepStrictEqual(await db.getMany(['k0', 'k16384']), [undefined, undefined])
  await db.batch(ops.slice(1))
  const values = await db.getMany(keys.slice(1))
  assert.strictEqual(values.length, 16384)
  assert.ok(values.every(v => v === 'v'))
  assert.strictEqual(await db.get('a'), '1')
  await db.close()
  console.log('ok limits')
}

main().catch(err => {
  console.error('FAILED:', err)
  process.exit(1)
})
