/**
 * The latency proxy against real sockets on 127.0.0.1: a new connection's time to
 * first byte grows by two round trips (handshake + request/response), a reused one
 * by one, CONNECT tunnels carry bytes both ways with the same costs, streamed
 * responses are not buffered, and unreachable targets answer 502 and are remembered
 * for the browser to ask about.
 */

import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { type LatencyProxy, startLatencyProxy } from '../../src/latency/proxy.ts'
import { askProxyWhyUnreachable } from '../../src/net/ask-proxy.ts'
import { freePort } from '../cluster/nats-server.ts'
import { bodyOf, median, rawRequest, readUntil } from './raw-http.ts'

const RTT = 100

describe('latency proxy', () => {
  let proxy: LatencyProxy
  let origin: http.Server
  let originPort: number
  /** Set by /stream: when the origin wrote its last chunk. */
  let lastChunkSentAt = 0

  before(async () => {
    origin = http.createServer((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('first;')
        setTimeout(() => {
          lastChunkSentAt = performance.now()
          res.end('last;')
        }, 300)
        return
      }
      if (req.url === '/many') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        for (let i = 0; i < 200; i++) res.write(`${i},`)
        res.end('end')
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-origin': 'yes' })
      res.end('hello')
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    originPort = (origin.address() as net.AddressInfo).port
    proxy = await startLatencyProxy({ rttMs: RTT })
  })
  after(async () => {
    await proxy.close()
    origin.closeAllConnections()
    await new Promise((resolve) => origin.close(resolve))
  })

  it('listens on 127.0.0.1 and says where', () => {
    assert.equal(proxy.url, `http://127.0.0.1:${proxy.port}`)
  })

  it('adds two round trips to the first byte of a request over a new connection', async (t) => {
    const direct: number[] = []
    const proxied: number[] = []
    for (let i = 0; i < 3; i++) {
      const d = await rawRequest(originPort, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      assert.match(d.text, /^HTTP\/1\.1 200/)
      direct.push(d.firstByteMs)
      const p = await rawRequest(
        proxy.port,
        `GET http://127.0.0.1:${originPort}/ HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\nConnection: close\r\n\r\n`,
      )
      assert.match(p.text, /^HTTP\/1\.1 200/)
      assert.match(p.text, /x-origin: yes/i)
      assert.equal(bodyOf(p.text), 'hello')
      proxied.push(p.firstByteMs)
    }
    const added = median(proxied) - median(direct)
    t.diagnostic(
      `TTFB direct ${median(direct).toFixed(1)} ms, via proxy (rtt ${RTT}) ${median(proxied).toFixed(1)} ms: +${added.toFixed(1)} ms (ideal +${2 * RTT}, overhead ${(added - 2 * RTT).toFixed(1)} ms)`,
    )
    assert.ok(added >= 2 * RTT, `added ${added} ms`)
    assert.ok(added < 4 * RTT, `added ${added} ms`)
  })

  it('adds one round trip to a request on a kept-alive connection', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    try {
      const request = `GET http://127.0.0.1:${originPort}/ HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\n\r\n`
      const t0 = performance.now()
      socket.write(request)
      await readUntil(socket, 'hello')
      const first = performance.now() - t0
      const t1 = performance.now()
      socket.write(request)
      await readUntil(socket, 'hello')
      const second = performance.now() - t1
      assert.ok(first >= 2 * RTT && first < 3 * RTT, `first request ${first} ms`)
      assert.ok(second >= RTT && second < 2 * RTT, `second request reuses the connection: ${second} ms`)
    } finally {
      socket.destroy()
    }
  })

  it('does not buffer: the first chunk arrives before the origin sends the last', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    try {
      lastChunkSentAt = 0
      socket.write(
        `GET http://127.0.0.1:${originPort}/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      await readUntil(socket, 'first;')
      const firstArrivedAt = performance.now()
      assert.equal(lastChunkSentAt, 0, 'the origin had not sent its last chunk yet')
      await readUntil(socket, 'last;')
      assert.ok(lastChunkSentAt > firstArrivedAt)
      assert.ok(
        performance.now() - lastChunkSentAt >= RTT / 2,
        'the last chunk spent half a round trip in flight',
      )
    } finally {
      socket.destroy()
    }
  })

  it('keeps chunks in order', async () => {
    const response = await rawRequest(
      proxy.port,
      `GET http://127.0.0.1:${originPort}/many HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    assert.equal(bodyOf(response.text), `${Array.from({ length: 200 }, (_, i) => `${i},`).join('')}end`)
  })

  it('tunnels CONNECT: one round trip to open, one per exchange after', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    try {
      const t0 = performance.now()
      socket.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\n\r\n`)
      const established = await readUntil(socket, '\r\n\r\n')
      const openMs = performance.now() - t0
      assert.match(established, /^HTTP\/1\.1 200/)
      assert.ok(openMs >= RTT && openMs < 2 * RTT, `tunnel opened after ${openMs} ms`)
      // The tunnel carries raw bytes (TLS in real use); plain HTTP inside shows the timing.
      const t1 = performance.now()
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      const reply = await readUntil(socket, 'hello')
      const exchangeMs = performance.now() - t1
      assert.match(reply, /^HTTP\/1\.1 200/)
      assert.ok(exchangeMs >= RTT && exchangeMs < 2 * RTT, `request/response took ${exchangeMs} ms`)
    } finally {
      socket.destroy()
    }
  })

  it('does not buffer a tunnel either', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    try {
      socket.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: x\r\n\r\n`)
      await readUntil(socket, '\r\n\r\n')
      lastChunkSentAt = 0
      socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n')
      await readUntil(socket, 'first;')
      assert.equal(lastChunkSentAt, 0, 'the origin had not sent its last chunk yet')
      await readUntil(socket, 'last;')
    } finally {
      socket.destroy()
    }
  })

  it('answers 502 with the errno when the target refuses', async () => {
    const closedPort = await freePort()
    const plain = await rawRequest(
      proxy.port,
      `GET http://127.0.0.1:${closedPort}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    assert.match(plain.text, /^HTTP\/1\.1 502/)
    assert.match(plain.text, /x-wps-proxy-error: ECONNREFUSED/i)
    assert.ok(plain.firstByteMs >= RTT, 'a refusal also takes a round trip to come back')
    const tunnel = await rawRequest(proxy.port, `CONNECT 127.0.0.1:${closedPort} HTTP/1.1\r\nHost: x\r\n\r\n`)
    assert.match(tunnel.text, /^HTTP\/1\.1 502/)
  })

  it('tells why a target was unreachable when asked (the channel for failed CONNECTs)', async () => {
    const closedPort = await freePort()
    const target = `https://127.0.0.1:${closedPort}/`
    assert.equal(await askProxyWhyUnreachable(proxy.url, target), null, 'nothing failed yet')
    const tunnel = await rawRequest(proxy.port, `CONNECT 127.0.0.1:${closedPort} HTTP/1.1\r\nHost: x\r\n\r\n`)
    assert.match(tunnel.text, /^HTTP\/1\.1 502/)
    assert.equal(await askProxyWhyUnreachable(proxy.url, target), 'ECONNREFUSED')
    assert.equal(await askProxyWhyUnreachable(proxy.url, `https://127.0.0.1:${originPort}/`), null)
  })

  it('refuses what it cannot forward', async () => {
    const originForm = await rawRequest(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.match(originForm.text, /^HTTP\/1\.1 400/)
    const badConnect = await rawRequest(proxy.port, 'CONNECT nowhere HTTP/1.1\r\nHost: x\r\n\r\n')
    assert.match(badConnect.text, /^HTTP\/1\.1 400/)
  })

  it('closes its open connections on close()', async () => {
    const own = await startLatencyProxy({ rttMs: 10 })
    const socket = net.connect({ host: '127.0.0.1', port: own.port })
    socket.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: x\r\n\r\n`)
    await readUntil(socket, '\r\n\r\n')
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    await own.close()
    await closed
    await assert.rejects(rawRequest(own.port, 'GET / HTTP/1.1\r\n\r\n'), /ECONNREFUSED/)
  })
})
