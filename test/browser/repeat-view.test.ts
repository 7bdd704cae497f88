/**
 * The repeat view and the gathered load, against real Chromium: a page with cacheable
 * resources loaded twice in one context transfers far fewer bytes the second time and
 * its server sees no second request for them; and every measurement carries the raw
 * data it was computed from, which computes to the same numbers offline.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BrowserHost, computeMeasurement, type Measurement } from '../../src/browser/index.ts'
import { CACHE, type CacheSite, startCacheSite } from '../fixtures/cache-site.ts'

const TIMEOUT_MS = 15_000

/** The numbers of a measurement, without what is not computed from the gathered load. */
const numbers = (m: Measurement) => {
  const { visuals: _v, gathered: _g, repeatView: _r, ...rest } = m
  return rest
}

describe('repeat view (warm cache, same context)', () => {
  let site: CacheSite
  let host: BrowserHost
  before(async () => {
    site = await startCacheSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    await host?.close()
    await site?.close()
  })

  it('loads the page again from the cache: fewer bytes, no second request for cacheable resources', async () => {
    site.reset()
    const m = await host.measure(`${site.url}${CACHE.page}`, { timeoutMs: TIMEOUT_MS, repeatView: true })
    assert.equal(m.error, null)
    assert.equal(m.requests, 1 + CACHE.resources.length)
    assert.ok(m.transferBytes > CACHE.resourceBytes, `first view ${m.transferBytes} B`)
    const repeat = m.repeatView
    assert.ok(repeat, 'a repeat view')
    assert.equal(repeat.error, null)
    assert.equal(repeat.httpStatus, 200)
    assert.equal(repeat.requests, m.requests, 'the page asks for the same resources')
    // Only the document comes over the wire again.
    assert.ok(
      repeat.transferBytes * 5 < m.transferBytes,
      `repeat ${repeat.transferBytes} B vs first ${m.transferBytes} B`,
    )
    const cached = repeat.entries.filter((e) => e.fromCache).map((e) => new URL(e.url).pathname)
    assert.deepEqual(cached.sort(), [...CACHE.resources].sort())
    assert.equal(m.entries.filter((e) => e.fromCache).length, 0, 'the first view is cold')
    const requests = site.requests()
    assert.deepEqual(
      requests.filter((p) => p === CACHE.page),
      [CACHE.page, CACHE.page],
      'the no-store document twice',
    )
    for (const path of CACHE.resources) {
      assert.equal(requests.filter((p) => p === path).length, 1, `${path} once`)
    }
    assert.ok(repeat.metrics.load !== null && repeat.metrics.fcp !== null)
    assert.ok(repeat.gathered, 'the repeat view is gathered too')
    assert.deepEqual(computeMeasurement(repeat.gathered), numbers(repeat))
  })

  it('measures one view without repeatView', async () => {
    site.reset()
    const m = await host.measure(`${site.url}${CACHE.page}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error, null)
    assert.equal(m.repeatView, undefined)
    assert.equal(site.requests().length, 1 + CACHE.resources.length)
  })

  it('computes the same numbers from the gathered load, and other numbers with another definition', async () => {
    const m = await host.measure(`${site.url}${CACHE.page}`, { timeoutMs: TIMEOUT_MS })
    assert.ok(m.gathered)
    const copy = structuredClone(m.gathered)
    assert.deepEqual(computeMeasurement(copy), numbers(m))
    assert.equal(copy.network.length > 0 && copy.page !== null, true)
    // Small: the trimmed events and entries of a 5-request page.
    const size = JSON.stringify(m.gathered).length
    assert.ok(size < 20_000, `gathered ${size} B`)
  })
})
