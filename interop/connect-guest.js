'use strict'

// Opens a many-level guest on a level4j host reached at tcp:PORT (127.0.0.1) or unix:PATH.

const net = require('net')
const { pipeline } = require('stream')
const { ManyLevelGuest } = require('many-level')

module.exports = async function connectGuest (target) {
  const db = new ManyLevelGuest()
  const socket = target.startsWith('unix:')
    ? net.connect(target.slice(5))
    : net.connect(Number(target.slice(4)), '127.0.0.1')
  pipeline(socket, db.connect(), socket, () => {})
  await db.open()
  return db
}
