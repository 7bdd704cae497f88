/**
 * The page as someone on a LAN opens it: plain HTTP under a host name that is not
 * localhost (`http://wps.lan:PORT/`, as the README's Docker and `PORT=8080 npm start`
 * examples are reached). Chromium maps wps.lan to 127.0.0.1 itself
 * (`--host-resolver-rules`), so traffic stays on loopback. With a CSP that upgrades
 * insecure requests, the page's own scripts would be fetched over https and the page
 * would stay blank; here it must load, run a test, and show its numbers.
 *
 *   node --import tsx --test test/e2e/lan-host.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'
import { ensureWebBuilt } from './web-build.ts'

const HOST = 'wps.lan'
// Our own launch flags, minus the one that only suits puppeteer (playwright opens its own window).
const CHROMIUM_FLAGS = [
  ...chromiumArgs().filter((flag) => flag !== '--no-startup-window'),
  `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
]

let site: FixtureSite
let server: WpsServer
let browser: Browser
let page: Page

/** Requests of the page that failed, but not ones the page itself cancelled (an EventSource it closed). */
function recordFailures(into: string[]): void {
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? ''
    if (why !== 'net::ERR_ABORTED') into.push(`${request.url()} ${why}`)
  })
}

before(async () => {
  await ensureWebBuilt()
  site = await startFixtureSite()
  server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1' })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  page = await browser.newPage({ viewport: { width: 1100, height: 760 } })
})

after(async () => {
  await browser?.close()
  await site?.close()
  await server?.stop()
})

test('over plain HTTP under a LAN host name, the page loads and runs a test', async () => {
  const base = server.url.replace('127.0.0.1', HOST)
  const failed: string[] = []
  recordFailures(failed)
  const answer = await page.goto(base)
  assert.equal(answer?.status(), 200)
  assert.doesNotMatch(answer?.headers()['content-security-policy'] ?? '', /upgrade-insecure-requests/)
  await page.getByText('Testing from: local').waitFor({ timeout: 15_000 })

  await page.getByLabel('Page to test').fill(`${site.url}${FACTS.rich.path}`)
  await page.getByRole('button', { name: 'Go' }).click()
  await page.waitForURL(new RegExp(`^http://${HOST.replace('.', '\\.')}:\\d+/tests/[^/]+$`))
  const row = page.locator('.row[data-status="complete"], .row[data-status="error"]').first()
  await row.waitFor({ timeout: 90_000 })
  assert.equal(await row.getAttribute('data-status'), 'complete', (await row.textContent()) ?? '')
  const requests = await row.locator('[data-metric="requests"] dd').textContent()
  assert.equal(requests, String(FACTS.rich.requests))
  // Every request of the page itself went to the name it was opened under, over http.
  assert.deepEqual(failed, [])
})

test('the API docs render there too', async () => {
  const base = server.url.replace('127.0.0.1', HOST)
  const failed: string[] = []
  recordFailures(failed)
  await page.goto(`${base}/api/docs`)
  // Swagger UI builds the page from /api/docs/json in the browser: an operation shows only if it ran.
  await page
    .locator('.opblock-summary-path', { hasText: '/api/tests/{id}/events' })
    .waitFor({ timeout: 15_000 })
  await page.getByText('RegionResult').first().waitFor()
  assert.deepEqual(failed, [])
})
