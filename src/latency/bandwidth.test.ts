import assert from 'node:assert/strict'
import http from 'node:http'
import type net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { DelayLine } from './delay-line.ts'
import { type LatencyProxy, startLatencyProxy } from './proxy.ts'

const BODY = Buffer.alloc(100_000, 'x') // 800 kbit

describe('bandwidth limit of the latency proxy', () => {
  let target: http.Server
  let targetPort: number
  before(async () => {
    target = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length })
      res.end(BODY)
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    targetPort = (target.address() as net.AddressInfo).port
  })
  after(() => new Promise<void>((resolve) => target.close(() => resolve())))

  async function fetchThrough(proxy: LatencyProxy): Promise<{ ms: number; bytes: number }> {
    const started = performance.now()
    const proxyUrl = new URL(proxy.url)
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = http.get(
        {
          host: proxyUrl.hostname,
          port: proxyUrl.port,
          path: `http://127.0.0.1:${targetPort}/`,
          agent: false,
        },
        (res) => {
          let n = 0
          res.on('data', (chunk: Buffer) => {
            n += chunk.length
          })
          res.on('end', () => resolve(n))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
    })
    return { ms: performance.now() - started, bytes }
  }

  it('a 100 kB body at 1600 kbit/s takes at least 500 ms; unlimited it does not', async () => {
    const narrow = await startLatencyProxy({ rttMs: 0, downKbps: 1600, upKbps: 768 })
    const wide = await startLatencyProxy({ rttMs: 0 })
    try {
      const slow = await fetchThrough(narrow)
      const fast = await fetchThrough(wide)
      assert.equal(slow.bytes, BODY.length)
      assert.equal(fast.bytes, BODY.length)
      assert.ok(slow.ms >= 500, `narrow: ${slow.ms.toFixed(0)} ms for 800 kbit at 1600 kbit/s`)
      assert.ok(fast.ms < 400, `unlimited: ${fast.ms.toFixed(0)} ms`)
    } finally {
      await Promise.all([narrow.close(), wide.close()])
    }
  })

  it('adds bandwidth time after the delay, keeping order', async () => {
    const line = new DelayLine(20, 800) // 100 bytes per ms
    const order: number[] = []
    const started = performance.now()
    const done = new Promise<number>((resolve) => {
      line.push(() => order.push(1), 5000) // 50 ms on the wire
      line.push(() => order.push(2)) // an end: behind the data
      line.push(() => {
        order.push(3)
        resolve(performance.now() - started)
      }, 1000) // 10 ms more
    })
    const ms = await done
    assert.deepEqual(order, [1, 2, 3])
    assert.ok(ms >= 79, `${ms.toFixed(1)} ms (50 + 10 on the wire + 20 in flight)`)
  })

  it('refuses a bandwidth that is not a number', async () => {
    await assert.rejects(startLatencyProxy({ rttMs: 0, downKbps: Number.NaN }), /bandwidth/)
  })
})
