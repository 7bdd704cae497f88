/**
 * With `proxyServer`, every request goes through the proxy — loopback too, which
 * Chromium would otherwise bypass — so a latency-adding proxy can delay the local
 * fixture site exactly as it would delay a remote one. Behind the latency proxy an
 * unreachable target reports the same error code, request list and status as it does
 * without a proxy, though the proxy, not Chromium, is what failed to connect.
 */
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { type LatencyProxy, startLatencyProxy } from '../../src/latency/proxy.ts'
import { closedPort, FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

describe('BrowserHost with a proxy', () => {
  let site: FixtureSite
  const proxied: string[] = []
  // A minimal forwarding HTTP proxy (requests arrive with absolute URLs) that only forwards to
  // loopback: Chromium's own background fetches (update checks, ListAccounts) go to the proxy too.
  const proxy = createServer((req, res) => {
    const target = new URL(req.url ?? '')
    if (target.hostname !== '127.0.0.1') {
      res.writeHead(403).end()
      return
    }
    proxied.push(req.url ?? '')
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  proxy.on('connect', (_req, socket) => socket.destroy())
  before(async () => {
    site = await startFixtureSite()
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  })
  after(async () => {
    proxy.closeAllConnections()
    proxy.close()
    await site?.close()
  })

  it('sends loopback traffic through the proxy', async () => {
    const { port } = proxy.address() as AddressInfo
    const host = await BrowserHost.launch({ proxyServer: `127.0.0.1:${port}` })
    try {
      const m = await host.measure(`${site.url}${FACTS.rich.path}`, { timeoutMs: 10_000 })
      assert.equal(m.error, null)
      assert.equal(m.requests, FACTS.rich.requests)
      assert.equal(proxied.length, FACTS.rich.requests)
      assert.ok(proxied.every((url) => url.startsWith(site.url)))
    } finally {
      await host.close()
    }
  })
})

describe('BrowserHost behind the latency proxy: unreachable targets', () => {
  let proxy: LatencyProxy
  let host: BrowserHost
  let site: FixtureSite
  let port: number
  before(async () => {
    proxy = await startLatencyProxy({ rttMs: 20 })
    host = await BrowserHost.launch({ proxyServer: proxy.url })
    site = await startFixtureSite()
    port = await closedPort()
  })
  after(async () => {
    await host?.close()
    await proxy?.close()
    await site?.close()
  })

  const cases: Array<[string, () => string, string, string]> = [
    [
      'http, closed port',
      () => `http://127.0.0.1:${port}/`,
      'connection_refused',
      'net::ERR_CONNECTION_REFUSED',
    ],
    [
      'https, closed port',
      () => `https://127.0.0.1:${port}/`,
      'connection_refused',
      'net::ERR_CONNECTION_REFUSED',
    ],
    ['http, unknown host', () => 'http://nonexistent.invalid/', 'dns_failure', 'net::ERR_NAME_NOT_RESOLVED'],
    [
      'https, unknown host',
      () => 'https://nonexistent.invalid/',
      'dns_failure',
      'net::ERR_NAME_NOT_RESOLVED',
    ],
  ]
  for (const [name, url, code, netError] of cases) {
    it(`${name} → ${code}, shaped like a direct failure`, async () => {
      const m = await host.measure(url(), { timeoutMs: 10_000 })
      assert.equal(m.error?.code, code, m.error?.message)
      assert.equal(m.httpStatus, null, 'no server answered')
      assert.equal(m.metrics.ttfb, null, 'the error page is not the site')
      assert.deepEqual(
        m.entries.map((e) => [e.url, e.status, e.failure, e.bytes]),
        [[url(), null, netError, 0]],
      )
    })
  }

  it('still reports the site’s own 5xx as http_error', async () => {
    const m = await host.measure(`${site.url}/500`, { timeoutMs: 10_000 })
    assert.equal(m.error?.code, 'http_error')
    assert.equal(m.httpStatus, 500)
  })
})
