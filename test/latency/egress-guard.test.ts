/**
 * The egress guard at the browser's network edge: a page the URL policy let through
 * cannot make our browser connect where the guard says no — not by redirecting there,
 * not by loading a subresource from there — and the refused server sees nothing.
 * Everything here runs on 127.0.0.1, so the mechanism is tested with a guard that
 * allows the fixture site's port and refuses another server's; the last test uses the
 * production guard (public addresses only), which refuses 127.0.0.1 itself.
 */
import assert from 'node:assert/strict'
import { isIP } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { type LatencyProxy, startLatencyProxy } from '../../src/latency/proxy.ts'
import { askProxyWhyUnreachable } from '../../src/net/ask-proxy.ts'
import { publicAddressesOnly } from '../../src/net/egress-guard.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { rawRequest } from './raw-http.ts'

describe('egress guard in the browser proxy', () => {
  let allowed: FixtureSite
  let refused: FixtureSite
  let proxy: LatencyProxy
  let host: BrowserHost
  const judged: Array<[string, number]> = []

  before(async () => {
    allowed = await startFixtureSite()
    refused = await startFixtureSite()
    proxy = await startLatencyProxy({
      rttMs: 0,
      guard: (address, port) => {
        judged.push([address, port])
        return port === allowed.port ? null : 'private'
      },
    })
    host = await BrowserHost.launch({ proxyServer: proxy.url })
  })
  after(async () => {
    await host?.close()
    await proxy?.close()
    await allowed?.close()
    await refused?.close()
  })

  it('checks the resolved address: the guard sees an IP, not a name', async () => {
    judged.length = 0
    const answer = await rawRequest(
      proxy.port,
      `GET http://localhost:${allowed.port}${FACTS.rich.path} HTTP/1.1\r\nHost: localhost:${allowed.port}\r\nConnection: close\r\n\r\n`,
    )
    assert.match(answer.text, /^HTTP\/1\.1 200/)
    assert.ok(judged.length > 0, 'the guard was asked')
    for (const [address, port] of judged) {
      assert.ok(isIP(address), `judged ${address}, not a name`)
      assert.equal(port, allowed.port)
    }
    assert.ok(
      judged.some(([address]) => address === '127.0.0.1'),
      JSON.stringify(judged),
    )
  })

  it('refuses a CONNECT tunnel too, and says why when asked', async () => {
    refused.resetTraffic()
    const tunnel = await rawRequest(
      proxy.port,
      `CONNECT 127.0.0.1:${refused.port} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    assert.match(tunnel.text, /^HTTP\/1\.1 502/)
    assert.match(tunnel.text, /x-wps-proxy-error: EBLOCKED:private:127\.0\.0\.1/i)
    assert.equal(
      await askProxyWhyUnreachable(proxy.url, `https://127.0.0.1:${refused.port}/`),
      'EBLOCKED:private:127.0.0.1',
    )
    assert.equal(refused.traffic().connections, 0)
  })

  it('a redirect to a refused address makes the row blocked_address, and nothing reaches it', async () => {
    allowed.resetTraffic()
    refused.resetTraffic()
    const target = `${refused.url}${FACTS.rich.path}`
    const m = await host.measure(`${allowed.url}${FACTS.redirectTo.path}?url=${encodeURIComponent(target)}`, {
      timeoutMs: 10_000,
    })
    assert.equal(m.error?.code, 'blocked_address', JSON.stringify(m.error))
    assert.match(m.error?.message ?? '', /127\.0\.0\.1 \(a private address\)/)
    assert.equal(m.finalUrl, target)
    assert.equal(m.httpStatus, null)
    assert.deepEqual(allowed.traffic().requests, [FACTS.redirectTo.path])
    assert.equal(refused.traffic().connections, 0, 'the refused server must not even see a connection')
  })

  it('a subresource from a refused address just fails; the page completes', async () => {
    allowed.resetTraffic()
    refused.resetTraffic()
    const image = `${refused.url}/rich/a.png`
    const m = await host.measure(`${allowed.url}${FACTS.loads.path}?src=${encodeURIComponent(image)}`, {
      timeoutMs: 10_000,
    })
    assert.equal(m.error, null, JSON.stringify(m.error))
    assert.equal(m.httpStatus, 200)
    assert.equal(m.requests, FACTS.loads.requests)
    const entry = m.entries.find((e) => e.url === image)
    assert.ok(entry, JSON.stringify(m.entries))
    assert.equal(entry.status, null)
    assert.match(entry.failure ?? '', /BLOCKED/)
    assert.equal(refused.traffic().connections, 0)
    assert.ok(m.metrics.load !== null && m.metrics.fcp !== null, JSON.stringify(m.metrics))
  })

  it('the production guard refuses 127.0.0.1 itself', async () => {
    const strict = await startLatencyProxy({ rttMs: 0, guard: publicAddressesOnly })
    const strictHost = await BrowserHost.launch({ proxyServer: strict.url })
    try {
      allowed.resetTraffic()
      const m = await strictHost.measure(`${allowed.url}${FACTS.rich.path}`, { timeoutMs: 10_000 })
      assert.equal(m.error?.code, 'blocked_address', JSON.stringify(m.error))
      assert.match(m.error?.message ?? '', /127\.0\.0\.1 \(a loopback address\)/)
      assert.equal(allowed.traffic().connections, 0)
    } finally {
      await strictHost.close()
      await strict.close()
    }
  })
})
