/**
 * Numbers that stay true after `load`: the late fixture page (a shift at load+250 ms,
 * long tasks at load+100/400/700 ms, a hero at load+1.5 s) measured with a late window.
 * The first numbers come at `load` + settle without the late events; the final ones
 * match what the page makes true, and Google's web-vitals library (served to the page
 * from node_modules, no network) run on the same page in the same Chromium.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BrowserHost, launchChromium, type Measurement } from '../../src/browser/index.ts'
import { LATE, type LateSite, startLateSite } from '../fixtures/late-site.ts'

const TIMEOUT_MS = 20_000
// The package exports only its modules; the IIFE build sits beside the main entry.
const WEB_VITALS_DIST = dirname(createRequire(import.meta.url).resolve('web-vitals'))
const WEB_VITALS = readFileSync(join(WEB_VITALS_DIST, 'web-vitals.iife.js'), 'utf8')

interface Vitals {
  cls: number
  lcp: number
  load: number
  innerWidth: number
  innerHeight: number
}

/** web-vitals' CLS and LCP of the page, watched for `watchMs` (its own Chromium, same flags as ours). */
async function webVitals(url: string, watchMs: number): Promise<Vitals> {
  const chromium = await launchChromium()
  try {
    const context = await chromium.browser.createBrowserContext()
    const page = await context.newPage()
    await page.evaluateOnNewDocument(`${WEB_VITALS};
      window.__vitals = { cls: 0, lcp: 0 };
      webVitals.onCLS((m) => { window.__vitals.cls = m.value }, { reportAllChanges: true });
      webVitals.onLCP((m) => { window.__vitals.lcp = m.value }, { reportAllChanges: true });`)
    await page.goto(url, { waitUntil: 'load' })
    await new Promise((resolve) => setTimeout(resolve, watchMs))
    return await page.evaluate<[], () => Vitals>(
      `({ ...window.__vitals, load: performance.getEntriesByType('navigation')[0].loadEventStart, innerWidth, innerHeight })`,
    )
  } finally {
    await chromium.close()
  }
}

const within = (actual: number, expected: number, fraction: number) =>
  Math.abs(actual - expected) <= expected * fraction

describe('the late window', () => {
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

  const measureLate = async (): Promise<{ first: Measurement | undefined; final: Measurement }> => {
    let first: Measurement | undefined
    const final = await host.measure(`${site.url}${LATE.path}`, {
      timeoutMs: TIMEOUT_MS,
      late: { windowMs: 5000 },
      onFirstNumbers: (m) => {
        first = m
      },
    })
    return { first, final }
  }

  it('sends the first numbers at load + settle, then final ones with the late shift, long tasks and hero', async () => {
    const { first, final } = await measureLate()
    assert.ok(first, 'the first numbers were handed over')
    assert.equal(first.error, null)
    assert.equal(final.error, null)
    const load = first.metrics.load ?? Number.NaN
    // At load + settle the hero (1.5 s after load) is still to come; the shift and the long
    // tasks usually are too, unless a busy machine pushed the read past them.
    assert.ok((first.metrics.lcp ?? Number.POSITIVE_INFINITY) < load + LATE.heroAfterLoadMs)
    assert.equal(first.requests, 1)

    const { cls, tbt, lcp } = final.metrics
    assert.ok((first.metrics.tbt ?? 0) <= (tbt ?? 0) && (first.metrics.cls ?? 0) <= (cls ?? 0))
    assert.equal(final.metrics.load, load, 'the same page load')
    assert.equal(final.requests, LATE.requests, 'the late hero is a request of the load')
    // The block fills the viewport, so the shift's impact fraction is 1: CLS = distance / largest side.
    const vitals = await webVitals(`${site.url}${LATE.path}`, LATE.heroAfterLoadMs + 1500)
    const truthCls = LATE.shiftPx / Math.max(vitals.innerWidth, vitals.innerHeight)
    assert.ok(within(cls ?? 0, truthCls, 0.02), `cls ${cls}, truth ${truthCls}`)
    assert.ok(within(cls ?? 0, vitals.cls, 0.1), `cls ${cls}, web-vitals ${vitals.cls}`)
    // Busy loops run at least their length; a busy machine stretches them (and the page's other
    // tasks) somewhat, but never to twice the truth, which counting a task twice would give.
    assert.ok((tbt ?? 0) >= LATE.tbt - 3 && (tbt ?? 0) < LATE.tbt * 2, `tbt ${tbt}, truth ${LATE.tbt}`)
    assert.ok((lcp ?? 0) >= load + LATE.heroAfterLoadMs, `lcp ${lcp}, load ${load}`)
    assert.ok((lcp ?? 0) <= load + LATE.heroAfterLoadMs + 1000, `lcp ${lcp}, load ${load}`)
    // web-vitals' LCP is relative to its own load of the page: compare the hero's time after load.
    const ours = (lcp ?? 0) - load
    const theirs = vitals.lcp - vitals.load
    assert.ok(within(ours, theirs, 0.1), `lcp ${ours} ms after load, web-vitals ${theirs} ms after load`)
  })

  it('without a late window the first numbers are the result', async () => {
    let called = false
    const m = await host.measure(`${site.url}${LATE.path}`, {
      timeoutMs: TIMEOUT_MS,
      onFirstNumbers: () => {
        called = true
      },
    })
    assert.equal(called, false)
    assert.equal(m.error, null)
    assert.equal(m.requests, 1, 'measured before the hero was asked for')
  })
})
