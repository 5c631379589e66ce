#!/usr/bin/env node
// Test-only helper for BittorrentDhtInteropTest: runs N webtorrent `bittorrent-dht` nodes on
// loopback addresses, bootstrapped only from the addresses given, and executes commands read
// from stdin, one per line, answering each with one JSON line on stdout.
//
//   node peer.mjs --bind 127.0.61.1:24100,127.0.61.2:24100 --bootstrap 127.0.60.1:24000
//                 [--ready-timeout-ms 20000] [--command-timeout-ms 20000] [--max-seconds 120]
//
// stdout: `READY {json}` once every node is listening and has bootstrapped, then one JSON
// line per command:
//   get <target-hex> [node]               BEP 44 get (never from the local cache); also reports
//                                         `ms` (timed in JS with performance.now()), `queries`
//                                         (get queries this node sent for the lookup) and
//                                         `datagrams` (every datagram its socket sent meanwhile)
//   put <seed-hex> <seq> <value> [node]   signed mutable put; value is `text:<utf8>`,
//                                         `hex:<bytes>` or `record:<ip:port[,ip:port]>@<t>`
//                                         (our address dictionary {a: [compact], t}); a value
//                                         without prefix is UTF-8 text. Answers with the
//                                         target, `stored` (nodes that accepted), `answers`
//                                         (each storing node's outcome: ok, timeout, or the KRPC
//                                         error code) and `jsNodesHolding`
//   stats                                 routing-table sizes, stored items, egress refusals
//   quit
// Exits when stdin closes, on `quit`, on SIGTERM/SIGINT, or after --max-seconds.
//
// Safety: every address given must be in 127.0.0.0/8, the library's default bootstrap routers
// are never used (`bootstrap` is always passed), host names are never resolved (isIP is forced
// true, so k-rpc-socket never calls dns.lookup), and each node's UDP socket refuses to send to
// anything but a 127.x.y.z literal.
import dgram from 'node:dgram'
import readline from 'node:readline'
import { performance } from 'node:perf_hooks'
import DHT from 'bittorrent-dht'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'

ed.hashes.sha512 = sha512

const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function fail (message, code = 2) {
  process.stderr.write(`peer.mjs: ${message}\n`)
  process.exit(code)
}

function parseArgs (argv) {
  const opts = { bind: [], bootstrap: [], readyTimeoutMs: 20000, commandTimeoutMs: 20000, maxSeconds: 120 }
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1]
    switch (argv[i]) {
      case '--bind': opts.bind = value.split(',').map(endpoint); i++; break
      case '--bootstrap': opts.bootstrap = value.split(',').map(endpoint); i++; break
      case '--ready-timeout-ms': opts.readyTimeoutMs = Number(value); i++; break
      case '--command-timeout-ms': opts.commandTimeoutMs = Number(value); i++; break
      case '--max-seconds': opts.maxSeconds = Number(value); i++; break
      default: fail(`unknown argument ${argv[i]}`)
    }
  }
  if (!opts.bind.length) fail('--bind is required')
  if (!opts.bootstrap.length) fail('--bootstrap is required (the default routers are public)')
  return opts
}

function endpoint (text) {
  const i = text.lastIndexOf(':')
  const host = text.slice(0, i)
  const port = Number(text.slice(i + 1))
  const m = LOOPBACK.exec(host)
  if (!m || m.slice(1).some(o => Number(o) > 255)) fail(`not a 127.0.0.0/8 address: ${text}`)
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`bad port: ${text}`)
  return { host, port }
}

const opts = parseArgs(process.argv.slice(2))
let refusedSends = 0
let sentDatagrams = 0

/** A UDP socket that refuses to send anywhere but 127.0.0.0/8. */
function guardedSocket () {
  const socket = dgram.createSocket('udp4')
  const send = socket.send.bind(socket)
  socket.send = (...args) => {
    const address = args.find((a, i) => i > 0 && typeof a === 'string')
    if (!address || !LOOPBACK.test(address)) {
      refusedSends++
      if (refusedSends === 1) process.stderr.write(`peer.mjs: refused to send to ${address}\n`)
      const cb = args[args.length - 1]
      if (typeof cb === 'function') process.nextTick(cb, new Error('egress refused'))
      return
    }
    sentDatagrams++
    return send(...args)
  }
  return socket
}

function verify (sig, message, publicKey) {
  try {
    return ed.verify(new Uint8Array(sig), new Uint8Array(message), new Uint8Array(publicKey))
  } catch {
    return false
  }
}

// Minimal canonical bencode, to print a value exactly as it travels (dictionary keys sorted as
// raw bytes) and to build our address record.
function bencode (x) {
  if (typeof x === 'number') return Buffer.from(`i${x}e`)
  if (typeof x === 'string') x = Buffer.from(x)
  if (x instanceof Uint8Array) return Buffer.concat([Buffer.from(`${x.length}:`), x])
  if (Array.isArray(x)) return Buffer.concat([Buffer.from('l'), ...x.map(bencode), Buffer.from('e')])
  const keys = Object.keys(x).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap(k => [bencode(k), bencode(x[k])]),
    Buffer.from('e')])
}

function compact (text) {
  const { host, port } = (() => {
    const i = text.lastIndexOf(':')
    return { host: text.slice(0, i), port: Number(text.slice(i + 1)) }
  })()
  const buf = Buffer.alloc(6)
  host.split('.').forEach((o, i) => { buf[i] = Number(o) })
  buf.writeUInt16BE(port, 4)
  return buf
}

function parseValue (text) {
  if (text.startsWith('hex:')) return Buffer.from(text.slice(4), 'hex')
  if (text.startsWith('text:')) return Buffer.from(text.slice(5), 'utf8')
  if (text.startsWith('record:')) {
    const [list, t] = text.slice(7).split('@')
    return { a: list.split(',').map(compact), t: Number(t ?? Math.floor(Date.now() / 1000)) }
  }
  return Buffer.from(text, 'utf8')
}

const nodes = []

function startNode ({ host, port }) {
  return new Promise((resolve, reject) => {
    const dht = new DHT({
      bootstrap: opts.bootstrap.map(b => `${b.host}:${b.port}`),
      socket: guardedSocket(),
      isIP: () => 4, // every host we are given is an IP literal; never resolve a name
      verify
    })
    let listening = false
    let ready = false
    const done = () => { if (listening && ready) resolve(dht) }
    dht.on('error', err => reject(new Error(`${host}:${port}: ${err.message}`)))
    dht.on('warning', () => {})
    dht.once('listening', () => { listening = true; done() })
    dht.once('ready', () => { ready = true; done() })
    dht.listen(port, host)
  })
}

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms) })
  ]).finally(() => clearTimeout(timer))
}

function nodeAt (index) {
  const i = index === undefined ? 0 : Number(index)
  if (!Number.isInteger(i) || i < 0 || i >= nodes.length) throw new Error(`no node ${index}`)
  return nodes[i]
}

function hex (b) {
  return b == null ? null : Buffer.from(b).toString('hex')
}

function holders (targetHex, seq) {
  return nodes.filter(n => {
    const item = n._values.get(targetHex)
    return item && (seq === undefined || item.seq === seq)
  }).length
}

function get (targetHex, index) {
  const dht = nodeAt(index)
  let accepted = 0
  let rejected = 0
  const counting = (sig, message, k) => {
    const ok = verify(sig, message, k)
    if (ok) accepted++
    else rejected++
    return ok
  }
  // Count the lookup's own queries: k-rpc's _closest sends through the socket's query().
  let queries = 0
  const socket = dht._rpc.socket
  const query = Object.getPrototypeOf(socket).query
  socket.query = function (peer, message, cb) {
    if (message.q === 'get') queries++
    return query.call(this, peer, message, cb)
  }
  const datagramsBefore = sentDatagrams
  const started = performance.now()
  return new Promise((resolve, reject) => {
    dht.get(targetHex, { verify: counting, cache: false }, (err, r) => {
      const ms = performance.now() - started
      delete socket.query
      if (err) return reject(err)
      const out = { cmd: 'get', ok: true, target: targetHex, found: !!r, verifiedResponses: accepted, rejectedResponses: rejected, ms, queries, datagrams: sentDatagrams - datagramsBefore }
      if (r) {
        Object.assign(out, {
          v: hex(bencode(r.v)),
          vBytes: r.v instanceof Uint8Array ? hex(r.v) : null,
          seq: r.seq ?? null,
          k: hex(r.k),
          sig: hex(r.sig)
        })
      }
      resolve(out)
    })
  })
}

function put (seedHex, seqText, valueText, index) {
  const dht = nodeAt(index)
  const seed = Buffer.from(seedHex, 'hex')
  if (seed.length !== 32) throw new Error('seed must be 32 bytes of hex')
  const seq = Number(seqText)
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`bad seq ${seqText}`)
  const k = Buffer.from(ed.getPublicKey(seed))
  const v = parseValue(valueText)
  // Tally each storing node's answer (queryAll itself only counts successes).
  const answers = {}
  const query = Object.getPrototypeOf(dht._rpc).query
  const tallied = new WeakSet() // k-rpc re-calls query() for queued requests: count once
  dht._rpc.query = function (node, message, cb) {
    if (message.q !== 'put' || tallied.has(cb)) return query.call(this, node, message, cb)
    const counted = (err, ...rest) => {
      const outcome = !err ? 'ok' : err.code === 'ETIMEDOUT' ? 'timeout' : String(err.code || err.message)
      answers[outcome] = (answers[outcome] || 0) + 1
      cb(err, ...rest)
    }
    tallied.add(counted)
    return query.call(this, node, message, counted)
  }
  return new Promise((resolve, reject) => {
    let target
    try {
      target = dht.put({ k, seq, v, sign: message => Buffer.from(ed.sign(new Uint8Array(message), seed)) }, onput)
    } catch (err) {
      delete dht._rpc.query
      reject(err)
    }
    function onput (err, key, n) {
      delete dht._rpc.query
      const targetHex = hex(key ?? target)
      resolve({
        cmd: 'put',
        ok: !err,
        target: targetHex,
        k: hex(k),
        seq,
        v: hex(bencode(v)),
        stored: typeof n === 'number' ? n : 0,
        jsNodesHolding: holders(targetHex, seq),
        jsNodes: nodes.length,
        answers,
        error: err ? err.message : null,
        errorCode: err && err.code ? err.code : null
      })
    }
  })
}

function stats () {
  return {
    cmd: 'stats',
    ok: true,
    nodes: nodes.map(n => ({ id: hex(n.nodeId), address: `${n.address().address}:${n.address().port}`, known: n.nodes.count(), items: Object.keys(n._values.cache).length, targets: Object.keys(n._values.cache) })),
    refusedSends
  }
}

async function execute (line) {
  const [cmd, ...args] = line.trim().split(/\s+/)
  switch (cmd) {
    case 'get': return get(args[0], args[1])
    case 'put': return put(args[0], args[1], args[2], args[3])
    case 'stats': return stats()
    default: throw new Error(`unknown command '${cmd}'`)
  }
}

let stopping = false
function stop (code) {
  if (stopping) return
  stopping = true
  let left = nodes.length
  const exit = () => process.exit(code)
  setTimeout(exit, 2000).unref()
  if (!left) return exit()
  for (const n of nodes) n.destroy(() => { if (--left === 0) exit() })
}

process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
setTimeout(() => {
  process.stderr.write(`peer.mjs: --max-seconds ${opts.maxSeconds} reached, exiting\n`)
  stop(4)
}, opts.maxSeconds * 1000).unref()
// The lifetime bound must hold even while nothing else keeps the loop alive.
const lifetime = setInterval(() => {}, 1 << 30)

try {
  const started = await withTimeout(Promise.all(opts.bind.map(startNode)), opts.readyTimeoutMs, 'bootstrap')
  nodes.push(...started)
} catch (err) {
  process.stderr.write(`peer.mjs: ${err.message}\n`)
  for (const n of nodes) n.destroy()
  process.exit(3)
}

process.stdout.write(`READY ${JSON.stringify(stats())}\n`)

const rl = readline.createInterface({ input: process.stdin })
let queue = Promise.resolve()
rl.on('line', line => {
  if (!line.trim()) return
  if (line.trim() === 'quit') { rl.close(); return }
  queue = queue.then(async () => {
    let out
    try {
      out = await withTimeout(execute(line), opts.commandTimeoutMs, line.split(' ')[0])
    } catch (err) {
      out = { cmd: line.trim().split(/\s+/)[0], ok: false, error: err.message }
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  })
})
rl.on('close', () => { queue.finally(() => { clearInterval(lifetime); stop(0) }) })
