/**
 * With `proxyServer`, every request goes through the proxy — loopback too, which
 * Chromium would otherwise bypass — so a latency-adding proxy can delay the local
 * fixture site exactly as it would delay a remote one.
 */
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

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
