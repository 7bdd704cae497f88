/**
 * End to end, as a person uses it: the real `wps serve` (a child process, runners and
 * Chromium behind it), the fixture site on loopback, and the page in a real browser.
 * Type the fixture's URL, press Go, watch the row go live and reach its numbers; reload
 * the permalink and see the same numbers; submit bad URLs and see why inline; stop the
 * server and find no Chromium it started still running.
 *
 *   node --import tsx --test test/e2e/page.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import { formatBytes, formatMs } from '../../src/format/index.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { isChromium } from '../support/processes.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'
import { ensureWebBuilt } from './web-build.ts'

// Our own launch flags, minus the one that only suits puppeteer (playwright opens its own window).
const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')
const SCREENSHOT = '/tmp/wps-page.png'

let site: FixtureSite
let server: WpsServer
let browser: Browser
let page: Page
let stopped = false
/** Chromium processes seen under the server while a test ran: proof the leak check has something to find. */
const seenChromium = new Map<number, string>()

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
  if (server && !stopped) await server.stop()
})

/** The text of every metric cell of the first row, keyed by its data-metric name. */
async function rowFigures(): Promise<Record<string, string>> {
  return page
    .locator('.row')
    .first()
    .evaluate((row) => {
      const figures: Record<string, string> = {}
      for (const cell of row.querySelectorAll<HTMLElement>('[data-metric]')) {
        figures[cell.dataset.metric ?? ''] = cell.querySelector('dd')?.textContent ?? ''
      }
      return figures
    })
}

async function waitForFinishedRow(): Promise<void> {
  const row = page.locator('.row[data-status="complete"], .row[data-status="error"]').first()
  await row.waitFor({ timeout: 90_000 })
  const status = await row.getAttribute('data-status')
  assert.equal(status, 'complete', `row ended in error: ${await row.textContent()}`)
}

test('a test goes live in its row, reaches its numbers, and its permalink shows the same after reload', async () => {
  const target = `${site.url}${FACTS.rich.path}`
  await page.goto(server.url)
  await page.getByText('Testing from: local').waitFor()

  // Record every status a row passes through, to see the row update live.
  await page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { statusesSeen: seen })
    new MutationObserver(() => {
      for (const row of document.querySelectorAll<HTMLElement>('.row')) {
        const status = row.dataset.status ?? ''
        if (seen.at(-1) !== status) seen.push(status)
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status'],
    })
  })

  site.resetTraffic()
  await page.getByLabel('Page to test').fill(target)
  await page.getByRole('button', { name: 'Go' }).click()
  await page.waitForURL(/\/tests\/[^/]+$/)
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '')

  await page.locator('.row').first().waitFor()
  for (const info of server.started()) if (isChromium(info)) seenChromium.set(info.pid, info.command)
  await waitForFinishedRow()
  for (const info of server.started()) if (isChromium(info)) seenChromium.set(info.pid, info.command)

  const statuses =
    (await page.evaluate(() => (window as unknown as { statusesSeen: string[] }).statusesSeen)) ?? []
  assert.ok(
    statuses.indexOf('starting') !== -1 || statuses.indexOf('loading') !== -1,
    `the row should show progress before its numbers, saw ${statuses.join(' → ')}`,
  )
  assert.equal(statuses.at(-1), 'complete')

  // What the API says, and what the fixture makes true.
  const stored = (await (await fetch(`${server.url}/api/tests/${id}`)).json()) as SpeedTest
  const result = stored.results[0]
  assert.ok(result, 'the test has a row')
  const figures = await rowFigures()
  assert.equal(
    figures.requests,
    String(FACTS.rich.requests),
    'requests shown = requests the fixture page makes',
  )
  assert.equal(
    figures.requests,
    String(site.traffic().requests.length),
    'requests shown = requests the site served',
  )
  assert.equal(figures.requests, String(result.requests))
  assert.equal(figures.http, '200')
  assert.match(figures.load ?? '', /^(\d+ ms|\d+\.\d\d s)$/)
  assert.equal(figures.load, formatMs(result.metrics.load))
  assert.equal(figures.bytes, formatBytes(result.transferBytes))
  assert.match(figures.lcp ?? '', /^(\d+ ms|\d+\.\d\d s)$/, 'the rich page has an LCP element')
  await page.locator('.state', { hasText: 'Done' }).waitFor()
  await page.screenshot({ path: SCREENSHOT, fullPage: true })

  await page.reload()
  await waitForFinishedRow()
  assert.deepEqual(await rowFigures(), figures, 'the permalink shows the same numbers after reload')
  assert.equal(await page.getByLabel('Page to test').inputValue(), stored.url)
})

test('an unknown test id says so', async () => {
  await page.goto(`${server.url}/tests/no-such-test`)
  await page.getByRole('heading', { name: 'Test not found' }).waitFor()
})

test('bad URLs are refused inline, by the page and by the server', async () => {
  await page.goto(server.url)
  const input = page.getByLabel('Page to test')
  const go = page.getByRole('button', { name: 'Go' })
  const error = page.locator('#url-error')

  await go.click()
  assert.equal(await error.textContent(), 'Enter a URL to test.')

  for (const bad of ['ftp://x', 'http://']) {
    await input.fill(bad)
    await go.click()
    assert.match((await error.textContent()) ?? '', /http|URL/, bad)
    assert.equal(await input.getAttribute('aria-invalid'), 'true')
  }

  // The page lets this through; the server's policy refuses it, and says why beneath the input.
  const refused = await fetch(`${server.url}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://nohost/' }),
  })
  const body = (await refused.json()) as { error: { code: string; message: string } }
  assert.equal(refused.status, 400)
  assert.equal(body.error.code, 'invalid_url')
  await input.fill('nohost')
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/tests'))
  await go.click()
  assert.equal((await answer).status(), 400)
  await error.filter({ hasText: body.error.message }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/', 'a refused URL does not navigate')
})

test('stopping the server leaves no Chromium it started running', async () => {
  for (const info of server.started()) if (isChromium(info)) seenChromium.set(info.pid, info.command)
  assert.ok(seenChromium.size > 0, 'the server ran Chromium during the tests')
  stopped = true
  const { exitCode, leftovers } = await server.stop()
  assert.equal(exitCode, 0, server.output())
  assert.deepEqual(
    leftovers.map((info) => `${info.pid} ${info.command.slice(0, 120)}`),
    [],
    'processes the server started are still alive',
  )
})
