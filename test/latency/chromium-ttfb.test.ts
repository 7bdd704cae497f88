/**
 * The latency emulator seen by a real Chromium: a page's TTFB, measured by the
 * browser layer in fresh contexts, grows by two round trips (connection + request)
 * when the browser goes through the proxy — the same figure a far-away server gives.
 */

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { type LatencyProxy, startLatencyProxy } from '../../src/latency/proxy.ts'
import { type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

const RTT = 100
const RUNS = 4

describe('latency proxy with Chromium', () => {
  let site: FixtureSite
  let proxy: LatencyProxy
  before(async () => {
    site = await startFixtureSite()
    proxy = await startLatencyProxy({ rttMs: RTT })
  })
  after(async () => {
    await proxy.close()
    await site.close()
  })

  async function ttfbs(proxyServer?: string): Promise<number[]> {
    const host = await BrowserHost.launch(proxyServer ? { proxyServer } : {})
    try {
      // The first navigation of a fresh browser is slower on its own; it is not what we compare.
      await host.measure(`${site.url}/`, { timeoutMs: 10_000 })
      const values: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const m = await host.measure(`${site.url}/ttfb?ms=0`, { timeoutMs: 10_000 })
        assert.equal(m.error, null, JSON.stringify(m.error))
        assert.equal(m.httpStatus, 200)
        assert.ok(m.metrics.ttfb !== null)
        values.push(m.metrics.ttfb)
      }
      return values
    } finally {
      await host.close()
    }
  }

  it(`adds 2 × ${RTT} ms (and less than 4 ×) to the TTFB of a cold page load`, async (t) => {
    const direct = await ttfbs()
    site.resetTraffic()
    const proxied = await ttfbs(proxy.url)
    // The proxy really carried the browser's traffic (loopback included, thanks to <-loopback>).
    assert.ok(site.traffic().requests.filter((path) => path === '/ttfb').length === RUNS)
    // Each run is a fresh context, so each paid the emulated handshake: compare the best runs.
    const added = Math.min(...proxied) - Math.min(...direct)
    t.diagnostic(
      `Chromium TTFB direct ${direct.map((v) => v.toFixed(1)).join('/')} ms, via proxy ${proxied.map((v) => v.toFixed(1)).join('/')} ms: +${added.toFixed(1)} ms`,
    )
    assert.ok(added >= 2 * RTT, `added ${added} ms`)
    assert.ok(added < 4 * RTT, `added ${added} ms`)
    for (const value of proxied)
      assert.ok(value >= 2 * RTT, `every proxied cold load pays the handshake: ${value}`)
  })
})
