/**
 * Lighthouse from every region, end to end: `wps dev` with two regions (ord, fra: a node
 * each, joined over NATS, each with its own runners and Chromium), the fixture site, and
 * the results page in real Chromium. The test is started from the page with the
 * Lighthouse box ticked; every region's row shows "Running Lighthouse" and then its score
 * (a number out of 100 with its rating in words) and links to the full report. Through the
 * API each row's score is in [0, 1], the stored JSON report has the LCP audit, and both
 * report artifacts are served with their content types. axe-core finds no serious or
 * critical violation on the finished page.
 *
 *   node --import tsx --test test/e2e/lighthouse.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Browser, chromium } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { type DevCluster, startDev } from '../multiregion/dev-process.ts'
import { seriousViolations } from './axe.ts'
import { ensureWebBuilt } from './web-build.ts'

const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')
const REGIONS = ['ord', 'fra']

let site: FixtureSite
let dev: DevCluster
let browser: Browser

before(async () => {
  await ensureWebBuilt()
  site = await startFixtureSite()
  dev = await startDev(REGIONS)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
})

after(async () => {
  await browser?.close()
  await dev?.stop()
  await site?.close()
})

test('every region audits the page: the row shows its Lighthouse step, then the score and the reports', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  try {
    await page.goto(dev.url)
    for (const region of REGIONS) await page.locator(`input[name="region"][value="${region}"]`).waitFor()
    // Every status text each row shows, as it shows it.
    await page.evaluate(`(() => {
      const seen = {}
      window.rowStatuses = seen
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('li[data-region]')) {
          const list = seen[row.dataset.region] ?? (seen[row.dataset.region] = [])
          const text = row.querySelector('.row-status')?.textContent ?? ''
          if (list.at(-1) !== text) list.push(text)
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
    })()`)
    await page.getByLabel('Page to test').fill(`${site.url}${FACTS.lcp.path}`)
    await page.getByLabel('Lighthouse').check()
    await page.getByRole('button', { name: 'Go' }).click()
    await page.waitForURL(/\/tests\/[^/]+$/)
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '')
    await page.locator('[data-testid="test-state"][data-state="done"]').waitFor({ timeout: 240_000 })

    const statuses = await page.evaluate(
      () => (window as unknown as { rowStatuses: Record<string, string[]> }).rowStatuses,
    )
    for (const region of REGIONS) {
      const seen = statuses[region] ?? []
      const running = seen.indexOf('Running Lighthouse')
      assert.ok(running >= 0, `${region}: ${seen.join(' → ')}`)
      assert.equal(seen.at(-1), 'Complete', `${region}: ${seen.join(' → ')}`)
      const row = page.locator(`li[data-region="${region}"]`)
      const score = row.getByTestId('lighthouse-score')
      assert.match((await score.textContent()) ?? '', /^\d{1,3}$/)
      assert.match((await score.getAttribute('data-rating')) ?? '', /^(good|needs-improvement|poor)$/)
      assert.match((await row.getByTestId('lighthouse').textContent()) ?? '', /(Good|Needs improvement|Poor)/)
      const href = await row.getByRole('link', { name: 'Full Lighthouse report' }).getAttribute('href')
      assert.ok(href?.startsWith(`/api/tests/${id}/artifacts/`), String(href))
    }
    assert.deepEqual(await seriousViolations(page), [])

    const test = (await (await fetch(`${dev.url}/api/tests/${id}`)).json()) as SpeedTest
    assert.deepEqual([...test.results.map((row) => row.region)].sort(), [...REGIONS].sort())
    for (const row of test.results) {
      assert.equal(row.status, 'complete', JSON.stringify(row.error))
      assert.equal(row.lighthouse?.status, 'complete', JSON.stringify(row.lighthouse?.error))
      const score = row.lighthouse?.performance
      assert.ok(typeof score === 'number' && score >= 0 && score <= 1, `${row.region}: ${score}`)
      const links = row.artifacts?.lighthouse
      assert.ok(links, `${row.region}: ${JSON.stringify(row.artifacts)}`)
      // The report crossed the cluster from the region's node and is served by the node that owns the test.
      const json = await fetch(`${dev.url}${links.json}`)
      assert.equal(json.status, 200)
      assert.match(json.headers.get('content-type') ?? '', /^application\/json/)
      const lhr = (await json.json()) as { audits: Record<string, { numericValue?: number }> }
      const lcp = lhr.audits['largest-contentful-paint']?.numericValue
      assert.ok(typeof lcp === 'number' && lcp >= FACTS.lcp.heroDelayMs, `${row.region}: LCP ${lcp}`)
      assert.equal(lcp, row.lighthouse?.audits['largest-contentful-paint']?.numericValue)
      const html = await fetch(`${dev.url}${links.html}`)
      assert.equal(html.status, 200)
      assert.match(html.headers.get('content-type') ?? '', /^text\/html/)
      assert.match(await html.text(), /<title>Lighthouse Report<\/title>/)
    }
  } finally {
    await page.close()
  }
})
