/**
 * The results page as people look at it, in real Chromium on a desktop (1366×900) and a
 * phone (390×844), against `wps dev` with three regions (ord, fra, syd: each region's
 * browsers behind its real round-trip time) and the fixture site: the world map's three
 * markers change state live and end rated; each region's waterfall has a row per request
 * the fixture makes; ratings are words, not only colours; the regions-side-by-side table
 * marks fastest and slowest and sorts; an error page's vitals say so; a two-run test lists
 * both runs per region, the median marked; the history lists
 * the tests after a reload; two tests compare with per-region differences; axe-core finds
 * no serious or critical violation on any of these views.
 *
 * With WPS_SCREENSHOTS=<dir> it also writes screenshots of the main views there
 * (`npm run screenshots` writes docs/screenshots/).
 *
 *   node --import tsx --test test/e2e/results-page.test.ts
 */
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import { formatMs } from '../../src/format/index.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { type DevCluster, startDev } from '../multiregion/dev-process.ts'
import { runTest } from '../support/api.ts'
import { seriousViolations } from './axe.ts'
import { ensureWebBuilt } from './web-build.ts'

const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')
const REGIONS = ['ord', 'fra', 'syd']
const DESKTOP = { width: 1366, height: 900 }
const MOBILE = { width: 390, height: 844 }
const SHOTS = process.env.WPS_SCREENSHOTS ?? ''

let site: FixtureSite
let dev: DevCluster
let browser: Browser
let target: string
/** The test started from the page, then a second one of the same URL for history and compare. */
let first: SpeedTest
let second: SpeedTest

before(async () => {
  await ensureWebBuilt()
  site = await startFixtureSite()
  dev = await startDev(REGIONS)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  target = `${site.url}${FACTS.rich.path}`
})

after(async () => {
  await browser?.close()
  await dev?.stop()
  await site?.close()
})

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

async function readTest(id: string): Promise<SpeedTest> {
  const response = await fetch(`${dev.url}/api/tests/${id}`)
  assert.equal(response.status, 200)
  return (await response.json()) as SpeedTest
}

test('desktop: the map goes live, waterfalls match the request log, ratings are words, no serious axe findings', async () => {
  const page = await browser.newPage({ viewport: DESKTOP })
  try {
    await page.goto(dev.url)
    for (const region of REGIONS) await page.locator(`input[name="region"][value="${region}"]`).waitFor()
    // Every state each marker shows, as it shows it.
    // As text: tsx would name an inner function (`__name`), which the page does not define.
    await page.evaluate(`(() => {
      const seen = {}
      const texts = {}
      window.markerStates = seen
      window.rowTexts = texts
      new MutationObserver(() => {
        for (const status of document.querySelectorAll('.row .row-status')) {
          const node = status.closest('.row')?.dataset.node ?? ''
          const list = texts[node] ?? (texts[node] = [])
          const text = status.textContent ?? ''
          if (list.at(-1) !== text) list.push(text)
        }
        for (const marker of document.querySelectorAll('[data-testid="map-marker"]')) {
          const region = marker.dataset.region ?? ''
          const list = seen[region] ?? (seen[region] = [])
          const state = marker.dataset.status ?? ''
          if (list.at(-1) !== state) list.push(state)
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })()`)
    await page.getByLabel('Page to test').fill(target)
    await page.getByRole('button', { name: 'Go' }).click()
    await page.waitForURL(/\/tests\/[^/]+$/)
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '')
    await page.locator('[data-testid="test-state"][data-state="done"]').waitFor({ timeout: 120_000 })
    first = await readTest(id)
    assert.deepEqual(
      first.results.map((row) => row.status),
      ['complete', 'complete', 'complete'],
      JSON.stringify(first.results.map((row) => row.error)),
    )
    assert.equal(await page.getByTestId('test-state').textContent(), 'Done')

    // The map: one marker per region, each seen before it completed, each ending rated with its LCP beside it.
    const markers = page.getByTestId('map-marker')
    assert.equal(await markers.count(), 3)
    const states = await page.evaluate(
      () => (window as unknown as { markerStates: Record<string, string[]> }).markerStates,
    )
    for (const region of REGIONS) {
      const seen = states[region] ?? []
      assert.equal(seen.at(-1), 'complete', `${region}: ${seen.join(' → ')}`)
      assert.ok(
        seen.length >= 2 && ['starting', 'loading', 'queued'].includes(seen[0] ?? ''),
        `${region} went live: ${seen.join(' → ')}`,
      )
      const marker = page.locator(`[data-testid="map-marker"][data-region="${region}"]`)
      assert.match((await marker.getAttribute('data-tone')) ?? '', /^(good|needs-improvement|poor)$/)
      assert.match((await marker.textContent()) ?? '', /LCP \d/)
    }
    // Three regions on one machine share its load budget (one page load at a time here):
    // the rows that wait for it say so, with their place in line, and never while loading.
    const texts = await page.evaluate(
      () => (window as unknown as { rowTexts: Record<string, string[]> }).rowTexts,
    )
    const queuedTexts = Object.values(texts)
      .flat()
      .filter((text) => text.startsWith('Queued'))
    assert.ok(
      queuedTexts.some((text) => /^Queued \(\d+ ahead\)$/.test(text)),
      `row texts: ${JSON.stringify(texts)}`,
    )
    // The cold-start badge is the boot alone, as the row reports it, not the time spent queued.
    for (const row of first.results) {
      const badge = page.locator(`.row[data-node="${row.node}"] .badge--cold`)
      if (row.cold) assert.equal(await badge.textContent(), `cold start ${formatMs(row.bootMs)}`)
      else assert.equal(await badge.count(), 0)
    }

    // Markers sit west to east as the cities do: Chicago, Frankfurt, Sydney.
    const xs = await Promise.all(
      REGIONS.map(async (region) => {
        const box = await page
          .locator(`[data-testid="map-marker"][data-region="${region}"] circle`)
          .boundingBox()
        return box?.x ?? Number.NaN
      }),
    )
    assert.ok(xs[0]! < xs[1]! && xs[1]! < xs[2]!, `marker x: ${xs.join(', ')}`)

    // Waterfalls: a row per request, exactly the row's `requests`, which the fixture makes true.
    for (const row of first.results) {
      const rowEl = page.locator(`.row[data-node="${row.node}"]`)
      const waterfallRows = rowEl.getByTestId('waterfall-row')
      assert.equal(row.requests, FACTS.rich.requests)
      assert.equal(await waterfallRows.count(), row.requests, `${row.region} waterfall rows`)
      assert.equal(await waterfallRows.first().getAttribute('data-type'), 'document')
    }
    await page.locator('.row-waterfall > summary').first().click()
    await page.getByTestId('waterfall').first().waitFor()

    // Ratings in words, beside every Web Vital that was measured; the legend opens by keyboard.
    for (const row of first.results) {
      const lcp = page.locator(`.row[data-node="${row.node}"] [data-metric="lcp"] [data-rating]`)
      assert.match((await lcp.textContent()) ?? '', /Good|Needs improvement|Poor/)
    }
    const legend = page.getByTestId('ratings-legend')
    await legend.locator('summary').focus()
    await page.keyboard.press('Enter')
    await legend.locator('[data-metric-help="lcp"]').waitFor({ state: 'visible' })
    assert.match(
      (await legend.locator('[data-metric-help="lcp"]').textContent()) ?? '',
      /Good ≤ 2\.50 s, poor > 4\.00 s/,
    )

    // Regions side by side: three rows, TTFB differs by region (their round-trip times), so one is fastest.
    const compare = page.getByTestId('region-compare')
    assert.equal(await compare.locator('tbody tr').count(), 3)
    assert.equal(await compare.locator('td[data-column="ttfb"][data-extreme="fastest"]').count(), 1)
    assert.equal(await compare.locator('td[data-column="ttfb"][data-extreme="slowest"]').count(), 1)
    await compare.getByRole('button', { name: 'TTFB' }).click()
    const sorted = await compare
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.region))
    const byTtfb = [...first.results]
      .sort((a, b) => (a.metrics.ttfb ?? 0) - (b.metrics.ttfb ?? 0))
      .map((r) => r.region)
    assert.deepEqual(sorted, byTtfb)
    assert.equal(await compare.locator('th[aria-sort="ascending"]').count(), 1)

    await shot(page, 'desktop-test')
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await page.close()
  }
})

test('an error page is measured but not rated: its vitals say "on an error page"', async () => {
  const run = await runTest(
    dev.url,
    { url: `${site.url}/no-such-page`, regions: ['ord'] },
    { timeoutMs: 90_000 },
  )
  const row = run.test.results[0]
  assert.equal(row?.httpStatus, 404)
  const page = await browser.newPage({ viewport: DESKTOP })
  try {
    await page.goto(`${dev.url}/tests/${run.test.id}`)
    await page.locator('.row').first().waitFor()
    const badges = page.locator('.row [data-rating]')
    assert.ok((await badges.count()) > 0, 'the error page has measured vitals')
    for (const text of await badges.allTextContents()) assert.match(text, /on an error page \(404\)/)
    assert.equal(await page.locator('.row [data-rating="good"]').count(), 0)
    assert.equal(await page.getByTestId('map-marker').getAttribute('data-tone'), 'error-page')
    assert.equal(await page.getByTestId('test-state').textContent(), 'Failed', 'not a green Done')
  } finally {
    await page.close()
  }
})

test('the final screenshot outlines the LCP element where the page had it', async () => {
  const run = await runTest(
    dev.url,
    { url: `${site.url}${FACTS.hero.path}`, regions: ['ord'] },
    { timeoutMs: 90_000 },
  )
  const row = run.test.results[0]
  assert.equal(row?.status, 'complete', JSON.stringify(row?.error))
  assert.equal(row?.lcpElement?.selector, 'img#hero')
  assert.deepEqual(row?.lcpElement?.rect, FACTS.hero.rect, 'the box the page laid the hero out at')
  const viewport = row?.settings?.viewport
  assert.ok(viewport && row?.artifacts?.screenshot, 'a screenshot with its viewport')
  const page = await browser.newPage({ viewport: DESKTOP })
  try {
    await page.goto(`${dev.url}/tests/${run.test.id}`)
    await page.locator('.row summary', { hasText: 'Final screenshot' }).click()
    const image = page.getByTestId('screenshot').locator('img')
    await image.evaluate((img) => (img as HTMLImageElement).decode())
    const shotBox = await image.boundingBox()
    const outline = await page.getByTestId('lcp-highlight').boundingBox()
    assert.ok(shotBox && outline)
    // The outline, mapped back from the drawn picture to the page's viewport, is the hero's box.
    const scale = viewport.width / shotBox.width
    const mapped = {
      x: (outline.x - shotBox.x) * scale,
      y: (outline.y - shotBox.y) * scale,
      width: outline.width * scale,
      height: outline.height * scale,
    }
    for (const key of ['x', 'y', 'width', 'height'] as const)
      assert.ok(Math.abs(mapped[key] - FACTS.hero.rect[key]) <= 3, `${key}: ${JSON.stringify(mapped)}`)
    await shot(page, 'desktop-screenshot')
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await page.close()
  }
})

test('history lists both tests after a reload; two picked compare region by region', async () => {
  assert.ok(first, 'the desktop test ran')
  // Two runs per region: the rows show the median run and list both.
  const run = await runTest(dev.url, { url: target, runs: 2 }, { timeoutMs: 180_000 })
  second = run.test
  const page = await browser.newPage({ viewport: DESKTOP })
  try {
    await page.goto(`${dev.url}/tests/${second.id}`)
    const runs = page.getByTestId('runs')
    await runs.first().waitFor()
    assert.equal(await runs.count(), 3, 'a runs table per region')
    for (const row of second.results) {
      const table = page.locator(`.row[data-node="${row.node}"] [data-testid="runs"]`)
      assert.equal(await table.locator('tbody tr').count(), 2 + 2, 'two runs, then fastest and slowest')
      const median = (row.medianRun ?? -1) + 1
      assert.match(
        (await table.locator('summary').textContent()) ?? '',
        new RegExp(`2 runs · the numbers above are run ${median}`),
      )
      // The waterfall picks a run: the median first, the other run's own log a choice away.
      const rowEl = page.locator(`.row[data-node="${row.node}"]`)
      await rowEl.locator('.row-waterfall > summary').click()
      const picker = rowEl.getByTestId('waterfall-run')
      assert.equal(await picker.locator('option:checked').textContent(), `Run ${median} (median)`)
      assert.equal(await rowEl.getByTestId('waterfall-row').count(), row.requests)
      const other = row.medianRun === 0 ? 1 : 0
      const otherRun = row.runs?.[other]
      assert.ok(otherRun?.entries, 'the other run carries its network log')
      assert.equal(otherRun.entries.length, otherRun.requests)
      await picker.selectOption({ label: `Run ${other + 1}` })
      assert.equal(await rowEl.getByTestId('waterfall-row').count(), otherRun.requests)
      // Its bars are that run's timings, not the median's.
      const titles = await rowEl
        .locator('[data-testid="waterfall-row"] td span[title*="→"]')
        .evaluateAll((bars) => bars.map((bar) => bar.getAttribute('title')))
      assert.deepEqual(
        titles,
        otherRun.entries.map(
          (e) => `${formatMs(e.start)} → ${e.end === null ? 'unfinished' : formatMs(e.end)}`,
        ),
      )
    }
    await page.goto(`${dev.url}/tests/${first.id}`)
    await page.getByRole('link', { name: 'History of this URL' }).click()
    await page.waitForURL(/\/history\?url=/)
    await page.reload()
    const history = page.getByTestId('history')
    await history.getByTestId('history-item').first().waitFor()
    const ids = await history
      .getByTestId('history-item')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id))
    assert.deepEqual(ids.slice(0, 2), [second.id, first.id], 'newest first')
    // A trend per region over the two tests.
    for (const region of REGIONS)
      await history.locator(`li[data-region="${region}"] svg circle`).nth(1).waitFor()
    await shot(page, 'desktop-history')
    assert.deepEqual(await seriousViolations(page), [])

    await history.locator(`[data-id="${first.id}"] input[type="checkbox"]`).check()
    await history.locator(`[data-id="${second.id}"] input[type="checkbox"]`).check()
    await history.getByRole('link', { name: 'Compare the two selected tests' }).click()
    await page.waitForURL(/\/compare\?a=/)
    assert.equal(new URL(page.url()).searchParams.get('a'), first.id, 'older is A')
    const compare = page.getByTestId('compare')
    await compare.locator('table').first().waitFor()
    assert.deepEqual(
      (
        await compare
          .locator('table')
          .evaluateAll((tables) => tables.map((t) => (t as HTMLElement).dataset.region))
      ).sort(),
      [...REGIONS].sort(),
    )
    // Each difference shown is B − A of what the API measured.
    for (const region of REGIONS) {
      const a = first.results.find((row) => row.region === region)?.metrics.load ?? Number.NaN
      const b = second.results.find((row) => row.region === region)?.metrics.load ?? Number.NaN
      const cell = compare.locator(`table[data-region="${region}"] tr[data-metric="load"] td[data-diff]`)
      assert.ok(
        Math.abs(Number(await cell.getAttribute('data-diff')) - (b - a)) < 1e-6,
        `${region} load diff`,
      )
      assert.match((await cell.textContent()) ?? '', /^[+−±]/)
    }
    await shot(page, 'desktop-compare')
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await page.close()
  }
})

test('mobile 390×844: the results fit the width, the map and the side-by-side table are there', async () => {
  assert.ok(first, 'the desktop test ran')
  const page = await browser.newPage({
    viewport: MOBILE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  })
  try {
    await page.goto(`${dev.url}/tests/${first.id}`)
    await page.getByTestId('region-compare').waitFor()
    assert.equal(await page.getByTestId('map-marker').count(), 3)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`)
    // The whole regions table (three regions, every metric) is within one screen height.
    const box = await page.getByTestId('region-compare').boundingBox()
    assert.ok(box && box.height < MOBILE.height, `side by side is ${box?.height} px tall`)
    // The legend opens by touch.
    await page.getByTestId('ratings-legend').locator('summary').tap()
    await page.locator('[data-metric-help="cls"]').waitFor({ state: 'visible' })
    await shot(page, 'mobile-test')
    assert.deepEqual(await seriousViolations(page), [])

    await page.goto(`${dev.url}/history?url=${encodeURIComponent(first.url)}`)
    await page.getByTestId('history-item').first().waitFor()
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0)
    await shot(page, 'mobile-history')
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await page.close()
  }
})
