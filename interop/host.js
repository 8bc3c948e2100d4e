'use strict'

// A Node many-level host for level4j's guest tests. Usage: node host.js unix:PATH | tcp:PORT
// Every connection is served a new, empty memory-level database (so each test gets its own);
// prints "listening" once ready and exits when stdin closes.

const net = require('net')
const { pipeline } = require('stream')
const { MemoryLevel } = require('memory-level')
const { ManyLevelHost } = require('many-level')

const target = process.argv[2] || ''

const server = net.createServer(function (socket) {
  const db = new MemoryLevel()
  const host = new ManyLevelHost(db)
  pipeline(socket, host.createRpcStream(), socket, () => {
    db.close(() => {})
  })
})

server.on('error', function (err) {
  console.error('FAILED:', err)
  process.exit(1)
})

function ready () {
  console.log('listening')
}

if (target.startsWith('unix:')) {
  server.listen(target.slice(5), ready)
} else {
  server.listen(Number(target.slice(4)), '127.0.0.1', ready)
}

process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
