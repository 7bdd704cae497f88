/**
 * One warm Chromium measuring the fixture site: every figure is checked against what
 * the site makes true or what its server counted on the wire.
 */
import assert from 'node:assert/strict'
import { networkInterfaces } from 'node:os'
import { after, before, describe, it } from 'node:test'
import { BrowserHost, type Measurement, type Settle } from '../../src/browser/index.ts'
import { closedPort, FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

const TIMEOUT_MS = 10_000

function onlyLoopback(): boolean {
  return Object.values(networkInterfaces())
    .flat()
    .every((address) => address?.internal !== false)
}

describe('BrowserHost.measure against the fixture site', () => {
  let site: FixtureSite
  let host: BrowserHost
  before(async () => {
    site = await startFixtureSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    await host?.close()
    await site?.close()
  })

  const measure = async (
    path: string,
    opts: { timeoutMs?: number; settle?: Partial<Settle> } = {},
  ): Promise<Measurement> => {
    site.resetTraffic()
    return host.measure(`${site.url}${path}`, { timeoutMs: TIMEOUT_MS, ...opts })
  }
  const assertBytesMatchServer = (m: Measurement) => {
    const sent = site.traffic().bytesSent
    assert.ok(sent > 0)
    assert.ok(
      Math.abs(m.transferBytes - sent) / sent <= 0.03,
      `browser ${m.transferBytes} B vs server ${sent} B`,
    )
  }

  it('measures a simple page completely, without layout shift', async () => {
    const m = await measure('/')
    assert.equal(m.error, null)
    assert.equal(m.httpStatus, 200)
    assert.equal(m.finalUrl, `${site.url}/`)
    assert.equal(m.requests, 1)
    assertBytesMatchServer(m)
    const { ttfb, fcp, lcp, cls, tbt, domContentLoaded, load } = m.metrics
    for (const [name, value] of Object.entries(m.metrics)) assert.notEqual(value, null, name)
    assert.ok(ttfb! > 0 && ttfb! <= fcp!, `ttfb ${ttfb} fcp ${fcp}`)
    assert.ok(fcp! <= lcp!)
    assert.ok(domContentLoaded! <= load!)
    assert.ok(cls! < 0.001, `cls ${cls}`)
    assert.equal(tbt, 0)
  })

  it('counts exactly the requests of a rich page and the bytes its server sent', async () => {
    const m = await measure(FACTS.rich.path)
    assert.equal(m.error, null)
    assert.equal(m.requests, FACTS.rich.requests)
    assert.equal(site.traffic().requests.length, FACTS.rich.requests)
    assert.equal(m.entries.length, m.requests)
    assert.deepEqual(
      new Set(m.entries.map((e) => e.type)),
      new Set(['document', 'stylesheet', 'script', 'image']),
    )
    assert.ok(m.entries.every((e) => e.status === 200 && e.end !== null && e.end >= e.start && e.bytes > 0))
    assertBytesMatchServer(m)
  })

  it('counts a request made shortly after load (the settle window)', async () => {
    // A generous window here: on a loaded machine the page's 30 ms timer can fire late,
    // and this test is about the mechanism, not about the default's width.
    const m = await measure(FACTS.afterLoad.path, { settle: { minAfterLoadMs: 400 } })
    assert.equal(m.requests, FACTS.afterLoad.requests)
    const late = m.entries[1]!
    assert.ok(late.start > m.metrics.load!, `started at ${late.start}, load ${m.metrics.load}`)
    assert.equal(late.status, 200)
  })

  it('waits for a delayed resource before load', async () => {
    const m = await measure(FACTS.delayed.path)
    assert.ok(m.metrics.load! >= FACTS.delayed.delayMs, `load ${m.metrics.load}`)
  })

  it('reports the document’s time to first byte', async () => {
    const m = await measure(`${FACTS.ttfb.path}?ms=400`)
    assert.ok(m.metrics.ttfb! >= 400, `ttfb ${m.metrics.ttfb}`)
  })

  it('sees a late layout shift', async () => {
    const m = await measure(FACTS.shift.path)
    assert.ok(m.metrics.cls! > 0.05, `cls ${m.metrics.cls}`)
  })

  it('takes the hero image, painted after the text, as LCP', async () => {
    const m = await measure(FACTS.lcp.path)
    // Text LCP would equal FCP: a later LCP is the hero, which cannot paint before it arrives.
    assert.ok(m.metrics.lcp! > m.metrics.fcp!, `lcp ${m.metrics.lcp} fcp ${m.metrics.fcp}`)
    assert.ok(m.metrics.lcp! >= FACTS.lcp.heroDelayMs, `lcp ${m.metrics.lcp}`)
  })

  it('counts a long task after FCP as blocking time', async () => {
    const m = await measure(FACTS.longTask.path)
    assert.ok(m.metrics.tbt! > 100, `tbt ${m.metrics.tbt}`)
    // busyMs − 50 expected; headroom for other tasks running long on a busy 2-core machine.
    assert.ok(m.metrics.tbt! <= FACTS.longTask.busyMs + 100, `tbt ${m.metrics.tbt}`)
  })

  it('follows redirects, counting each hop as a request', async () => {
    const m = await measure(FACTS.redirect.path)
    assert.equal(m.error, null)
    assert.equal(m.finalUrl, `${site.url}${FACTS.redirect.finalPath}`)
    assert.equal(m.requests, FACTS.redirect.hops + 1)
    assert.deepEqual(
      m.entries.map((e) => e.status),
      [302, 302, 302, 200],
    )
    assertBytesMatchServer(m)
  })

  for (const status of [404, 500]) {
    it(`reports HTTP ${status} as http_error, with the page's numbers`, async () => {
      const m = await measure(`/${status}`)
      assert.equal(m.error?.code, 'http_error')
      assert.equal(m.httpStatus, status)
      assert.equal(m.requests, 1)
      assert.notEqual(m.metrics.fcp, null)
      assert.notEqual(m.metrics.load, null)
    })
  }

  it('ends a page that never finishes as timeout, keeping what was measured', async () => {
    const started = performance.now()
    const m = await measure(FACTS.never.path, { timeoutMs: 3000 })
    const wall = performance.now() - started
    assert.equal(m.error?.code, 'timeout')
    // Wall time also holds the wait for the spare context and the final read of the page.
    assert.ok(wall >= 3000 && wall < 5500, `wall ${wall}`)
    assert.equal(m.httpStatus, 200)
    assert.notEqual(m.metrics.ttfb, null)
    assert.notEqual(m.metrics.fcp, null)
    assert.equal(m.metrics.load, null)
    assert.equal(m.requests, 2)
    assert.equal(m.entries[1]?.end, null, 'the hanging script is still in flight')
  })

  it('ends a document that never answers as timeout, with nothing measured in the page', async () => {
    const m = await measure(`${FACTS.ttfb.path}?ms=5000`, { timeoutMs: 1500 })
    assert.equal(m.error?.code, 'timeout')
    assert.equal(m.httpStatus, null)
    assert.equal(m.metrics.ttfb, null)
    assert.equal(m.metrics.fcp, null)
    assert.equal(m.requests, 1)
  })

  it('reports a refused connection', async () => {
    const m = await host.measure(`http://127.0.0.1:${await closedPort()}/`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error?.code, 'connection_refused')
    assert.equal(m.httpStatus, null)
    assert.equal(m.metrics.fcp, null, 'the error page’s paint is not measured')
  })

  it('reports a name that does not resolve (or, with no network but loopback, that there is none)', async () => {
    const m = await host.measure('http://nonexistent.invalid/', { timeoutMs: TIMEOUT_MS })
    // `npm test` runs in a loopback-only network namespace, where Chromium (resolving
    // names itself here: no proxy) knows it is offline before it asks any resolver.
    assert.equal(m.error?.code, onlyLoopback() ? 'network_unavailable' : 'dns_failure')
  })

  it('reports a URL the browser cannot navigate to', async () => {
    const m = await host.measure('not a url', { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error?.code, 'invalid_url')
  })

  it('measures every load as a first view: a repeat opens a new connection', async () => {
    for (let i = 0; i < 2; i++) {
      const m = await measure('/')
      assert.equal(m.error, null)
      assert.ok(site.traffic().connections >= 1, `measurement ${i + 1} reused a connection`)
    }
  })

  it('announces the navigation start before the result', async () => {
    const events: string[] = []
    const m = await host.measure(`${site.url}/`, {
      timeoutMs: TIMEOUT_MS,
      onNavigationStart: () => events.push('nav'),
    })
    events.push('result')
    assert.equal(m.error, null)
    assert.deepEqual(events, ['nav', 'result'])
  })

  it('rejects with the signal’s reason when aborted, and measures again afterwards', async () => {
    const controller = new AbortController()
    const measuring = host.measure(`${site.url}${FACTS.never.path}`, {
      timeoutMs: TIMEOUT_MS,
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(new Error('stop')), 300)
    await assert.rejects(measuring, /stop/)
    const m = await measure('/')
    assert.equal(m.error, null)
  })
})
