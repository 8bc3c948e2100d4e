'use strict'

// A Node many-level guest, connected to a level4j host, checks that the host behaves like a
// many-level host. Usage: node guest-check.js tcp:PORT | unix:PATH
// Prints one line per check and "ok N checks"; exits non-zero at the first failure. Leaves the
// keys "node-wrote" and a binary key behind for the Java side to read.

const assert = require('assert')
const connectGuest = require('./connect-guest')

const target = process.argv[2] || ''
let checks = 0

async function check (name, fn) {
  await fn()
  checks++
  console.log('ok ' + name)
}

async function main () {
  const db = await connectGuest(target)

  await check('put, get, del', async () => {
    await db.put('a', '1')
    assert.strictEqual(await db.get('a'), '1')
    await db.del('a')
    await assert.rejects(db.get('a'), { code: 'LEVEL_NOT_FOUND' })
  })

  await check('batch and getMany', async () => {
    await db.batch([
      { type: 'put', key: 'b1', value: 'x' },
      { type: 'put', key: 'b2', value: 'y' },
      { type: 'del', key: 'b1' }
    ])
    assert.deepStrictEqual(await db.getMany(['b1', 'b2', 'zz']), [undefined, 'y', undefined])
    await db.batch().put('b3', 'z').del('b2').write()
    assert.deepStrictEqual(await db.getMany(['b2', 'b3']), [undefined, 'z'])
  })

  const keys = []
  for (let i = 0; i < 2000; i++) keys.push('k' + String(i).padStart(4, '0'))
  await db.batch(keys.map(k => ({ type: 'put', key: k, value: 'v' + k })))

  await check('iterator over many entries (flow control)', async () => {
    const all = await db.iterator({ gte: 'k', lt: 'l' }).all()
    assert.strictEqual(all.length, 2000)
    assert.deepStrictEqual(all[0], ['k0000', 'vk0000'])
    assert.deepStrictEqual(all[1999], ['k1999', 'vk1999'])
    let n = 0
    for await (const [key, value] of db.iterator({ gte: 'k', lt: 'l' })) {
      assert.strictEqual(key, keys[n])
      assert.strictEqual(value, 'v' + keys[n])
      n++
    }
    assert.strictEqual(n, 2000)
  })

  await check('ranges, reverse and limit', async () => {
    assert.deepStrictEqual(await db.keys({ gt: 'k0010', lte: 'k0013' }).all(),
      ['k0011', 'k0012', 'k0013'])
    assert.deepStrictEqual(await db.keys({ gte: 'k0010', lt: 'k0013', reverse: true }).all(),
      ['k0012', 'k0011', 'k0010'])
    assert.deepStrictEqual(await db.values({ gte: 'k', limit: 2 }).all(), ['vk0000', 'vk0001'])
    assert.deepStrictEqual(await db.keys({ lt: 'l', reverse: true, limit: 3 }).all(),
      ['k1999', 'k1998', 'k1997'])
    assert.deepStrictEqual(await db.keys({ gte: 'k', limit: 0 }).all(), [])
    const limited = await db.keys({ gte: 'k', limit: 1500 }).all()
    assert.strictEqual(limited.length, 1500)
  })

  await check('seek', async () => {
    const it = db.keys({ gte: 'k', lt: 'l' })
    assert.strictEqual(await it.next(), 'k0000')
    it.seek('k1500')
    assert.strictEqual(await it.next(), 'k1500')
    it.seek('k0005')
    assert.deepStrictEqual(await it.nextv(3), ['k0005', 'k0006', 'k0007'])
    await it.close()
    const rev = db.keys({ gte: 'k', lt: 'l', reverse: true })
    assert.strictEqual(await rev.next(), 'k1999')
    rev.seek('k1000x')
    assert.strictEqual(await rev.next(), 'k1000')
    await rev.close()
  })

  await check('seek outside the range ends the iterator until the next seek', async () => {
    const it = db.keys({ gt: 'k0005', lt: 'k0010' })
    it.seek('k0004')
    assert.strictEqual(await it.next(), undefined)
    it.seek('k0008')
    assert.deepStrictEqual(await it.all(), ['k0008', 'k0009'])
    const rev = db.values({ gte: 'k0005', lte: 'k0010', reverse: true })
    assert.strictEqual(await rev.next(), 'vk0010')
    rev.seek('k0011')
    assert.strictEqual(await rev.next(), undefined)
    rev.seek('k0006')
    assert.deepStrictEqual(await rev.nextv(5), ['vk0006', 'vk0005'])
    await rev.close()
  })

  await check('utf8 keys', async () => {
    await db.put('ключ', 'значение')
    await db.put('鍵', '値')
    assert.strictEqual(await db.get('ключ'), 'значение')
    assert.deepStrictEqual(await db.keys({ gte: '\u0400' }).all(), ['ключ', '鍵'])
  })

  await check('binary keys and values', async () => {
    const opts = { keyEncoding: 'buffer', valueEncoding: 'buffer' }
    const k1 = Buffer.from([0x00, 0xff, 0x01])
    const k2 = Buffer.from([0x00, 0xff])
    const k3 = Buffer.from([0x00, 0xff, 0x00])
    await db.put(k1, Buffer.from([1, 2, 3]), opts)
    await db.put(k2, Buffer.alloc(0), opts)
    await db.put(k3, Buffer.from([0xfe]), opts)
    assert.deepStrictEqual(await db.get(k1, opts), Buffer.from([1, 2, 3]))
    assert.deepStrictEqual(await db.get(k2, opts), Buffer.alloc(0))
    const found = await db.keys({ lt: Buffer.from([0x01]), keyEncoding: 'buffer' }).all()
    assert.deepStrictEqual(found, [k2, k3, k1])
  })

  await check('clear with a range, reverse and limit', async () => {
    await db.clear({ gte: 'k1000', lt: 'k2000' })
    assert.strictEqual((await db.keys({ gte: 'k', lt: 'l' }).all()).length, 1000)
    await db.clear({ gte: 'k', lt: 'l', reverse: true, limit: 10 })
    const left = await db.keys({ gte: 'k', lt: 'l' }).all()
    assert.strictEqual(left.length, 990)
    assert.strictEqual(left[left.length - 1], 'k0989')
    await db.clear({ gte: 'k', lt: 'l' })
    assert.deepStrictEqual(await db.keys({ gte: 'k', lt: 'l' }).all(), [])
  })

  await check('errors travel as codes', async () => {
    await assert.rejects(db.put('reject-me', 'x'), { code: 'LEVEL_HOOK_ERROR' })
  })

  await db.put('node-wrote', 'yes')
  await db.put(Buffer.from([0xff, 0x00, 0xff]), Buffer.from([0x00]),
    { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  await db.close()
  console.log('ok ' + checks + ' checks')
}

main().catch(err => {
  console.error('FAILED:', err)
  process.exit(1)
})
