/**
 * The waterfall of a real page load: per request the HAR timing phases from CDP, and
 * the test as a HAR 1.2 file, checked against the HAR schema. The fixture delays its
 * stylesheet by WATERFALL.delayMs before answering, so that request's `wait` is at
 * least that; a cold view opens its own connection for the document, so `connect` > 0
 * (which needs Chromium's network prediction off: launch.ts).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BrowserHost, type Measurement } from '../../src/browser/index.ts'
import { toHar } from '../../src/speedtest/har.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { toFinalUpdate } from '../../src/speedtest/region-service.ts'
import { type LateSite, startLateSite, WATERFALL } from '../fixtures/late-site.ts'
import { harErrors } from '../support/har-check.ts'

const TIMEOUT_MS = 10_000

/**
 * The server holds the stylesheet back WATERFALL.delayMs. Chromium stamps `sendEnd` once its
 * write has returned, which on a busy 2-core machine can be a few ms after the server already
 * has the request, so `wait` may read up to 5% short of the server's delay, never more.
 */
const WAIT_AT_LEAST_MS = WATERFALL.delayMs * 0.95

describe('the waterfall and HAR of a page load', () => {
  let site: LateSite
  let host: BrowserHost
  before(async () => {
    site = await startLateSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    await host?.close()
    await site?.close()
  })

  const measure = (): Promise<Measurement> =>
    host.measure(`${site.url}${WATERFALL.path}`, { timeoutMs: TIMEOUT_MS })

  it('starts Chromium with network prediction off', () => {
    const preferences: unknown = JSON.parse(
      readFileSync(join(host.userDataDir, 'Default', 'Preferences'), 'utf8'),
    )
    assert.equal(
      (preferences as { net?: { network_prediction_options?: unknown } }).net?.network_prediction_options,
      2,
    )
  })

  it('splits each request into HAR phases, with protocol, priority, MIME type, initiator and sizes', async () => {
    for (const view of [1, 2]) {
      const m = await measure()
      assert.equal(m.error, null)
      assert.equal(m.requests, WATERFALL.requests)
      const [document, css] = m.entries
      assert.ok(document?.timings && css?.timings)
      // Every view is cold (a fresh context): the document's own connection is timed.
      assert.ok(document.timings.connect > 0, `view ${view}: document connect ${document.timings.connect}`)
      assert.equal(document.timings.ssl, -1, 'plain http')
      assert.ok(css.timings.wait >= WAIT_AT_LEAST_MS, `css wait ${css.timings.wait}`)
      for (const entry of m.entries) {
        const t = entry.timings
        assert.ok(t && t.send >= 0 && t.wait >= 0 && t.receive >= 0 && t.blocked >= -1)
        // The phases fit within the request's own start and end (0.5 ms of rounding).
        const sum = [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].filter((p) => p > 0)
        assert.ok(
          sum.reduce((a, b) => a + b, 0) <= (entry.end ?? 0) - entry.start + 0.5,
          `${entry.url}: phases ${JSON.stringify(t)} within ${entry.start}–${entry.end}`,
        )
        assert.equal(entry.protocol, 'http/1.1')
        assert.equal(entry.method, 'GET')
      }
      assert.equal(document.mimeType, 'text/html')
      assert.equal(css.mimeType, 'text/css')
      assert.equal(css.priority, 'VeryHigh', 'a stylesheet in <head> is render-blocking')
      assert.deepEqual(css.initiator, { type: 'parser', url: `${site.url}${WATERFALL.path}` })
      assert.equal(css.decodedBytes, Buffer.byteLength(WATERFALL.css))
      assert.ok(css.bytes > (css.decodedBytes ?? 0), 'on the wire: headers + body')
      assert.ok(m.startedAt !== undefined && Math.abs(m.startedAt - Date.now()) < 60_000)
    }
  })

  it('makes a valid HAR 1.2 file of a test: a page per row, its entries with pageref', async () => {
    const [one, two] = [await measure(), await measure()]
    const row = (m: Measurement, node: string) => ({
      region: 'local',
      node,
      ...toFinalUpdate([m], { cold: false, bootMs: 0 }),
    })
    const test = {
      id: 'abc',
      url: `${site.url}${WATERFALL.path}`,
      createdAt: new Date().toISOString(),
      state: 'done',
      results: [row(one as Measurement, 'n1'), row(two as Measurement, 'n2')],
    } as SpeedTest
    const har = toHar(test)
    assert.deepEqual(harErrors(har), [])
    assert.equal(har.log.pages.length, 2)
    assert.equal(har.log.entries.length, (one?.requests ?? 0) + (two?.requests ?? 0))
    for (const [index, page] of har.log.pages.entries()) {
      const entries = har.log.entries.filter((e) => e.pageref === page.id)
      assert.equal(entries.length, test.results[index]?.requests)
      assert.equal(page.pageTimings.onLoad, test.results[index]?.metrics.load)
    }
    const css = har.log.entries.find((e) => e.request.url.endsWith(WATERFALL.cssPath))
    assert.ok(css, 'the delayed stylesheet is in the HAR')
    assert.ok(css.timings.wait >= WAIT_AT_LEAST_MS, `wait ${css.timings.wait} ms`)
    assert.equal(css.response.content.mimeType, 'text/css')
    assert.equal(css.request.httpVersion, 'HTTP/1.1')
  })
})
