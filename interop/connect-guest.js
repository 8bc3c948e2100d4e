'use strict'

// Opens a many-level guest on a level4j host reached at tcp:PORT (127.0.0.1), unix:PATH, or
// tls:PORT:DIR:PASSWORD: TLS with the client certificate in DIR/guest.p12, trusting the host's
// certificate DIR/host.cer (PEM) for the name localhost; the stores a level4j test made.

const fs = require('fs')
const net = require('net')
const path = require('path')
const tls = require('tls')
const { pipeline } = require('stream')
const { ManyLevelGuest } = require('many-level')

module.exports = async function connectGuest (target) {
  const db = new ManyLevelGuest()
  const socket = target.startsWith('unix:')
    ? net.connect(target.slice(5))
    : target.startsWith('tls:')
      ? tlsConnect(target.slice(4))
      : net.connect(Number(target.slice(4)), '127.0.0.1')
  pipeline(socket, db.connect(), socket, () => {})
  await db.open()
  return db
}

function tlsConnect (spec) {
  const [port, ...rest] = spec.split(':')
  const passphrase = rest.pop()
  const dir = rest.join(':')
  return tls.connect({
    host: '127.0.0.1',
    port: Number(port),
    servername: 'localhost',
    pfx: fs.readFileSync(path.join(dir, 'guest.p12')),
    passphrase,
    ca: fs.readFileSync(path.join(dir, 'host.cer'))
  })
}
