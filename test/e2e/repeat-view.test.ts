/**
 * The repeat view on the results page, in real Chromium: a test started with
 * `repeatView: true` through the API, against a page with cacheable resources, shows
 * under its row what the warm cache saved and both views' numbers side by side; the
 * served row has it too, and axe-core finds no serious or critical violation with it open.
 *
 *   node --import tsx --test test/e2e/repeat-view.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Browser, chromium } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { CACHE, type CacheSite, startCacheSite } from '../fixtures/cache-site.ts'
import { startTestServer, type TestServer } from '../support/node-server.ts'
import { seriousViolations } from './axe.ts'
import { ensureWebBuilt } from './web-build.ts'

const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')

let site: CacheSite
let server: TestServer
let browser: Browser

before(async () => {
  await ensureWebBuilt()
  site = await startCacheSite()
  server = await startTestServer({ WPS_ALLOW_PRIVATE: '1' })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
})

after(async () => {
  await browser?.close()
  await server?.close()
  await site?.close()
})

async function finished(id: string, timeoutMs: number): Promise<SpeedTest> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const test = (await (await fetch(`${server.url}/api/tests/${id}`)).json()) as SpeedTest
    if (test.state === 'done' || Date.now() > until) return test
    await sleep(200)
  }
}

test('a repeatView test shows the warm view beside the first one on its row', async () => {
  const response = await fetch(`${server.url}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${site.url}${CACHE.page}`, repeatView: true }),
  })
  assert.equal(response.status, 201)
  const { id } = (await response.json()) as { id: string }
  const done = await finished(id, 90_000)
  assert.equal(done.state, 'done')
  const row = done.results[0]
  assert.equal(row?.status, 'complete', JSON.stringify(row?.error))
  assert.equal(row?.repeatView?.cachedRequests, CACHE.resources.length)

  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  try {
    await page.goto(`${server.url}/tests/${id}`)
    const repeat = page.locator('[data-testid="repeat-view"]')
    await repeat.waitFor({ timeout: 15_000 })
    const summary = (await repeat.locator('summary').textContent()) ?? ''
    assert.match(
      summary,
      new RegExp(`${CACHE.resources.length} of ${1 + CACHE.resources.length} requests from the cache`),
    )
    assert.match(summary, /\d+\.\d% fewer bytes/)
    await repeat.locator('summary').click()
    const cells = await repeat.locator('tr[data-view="repeat"] td').allTextContents()
    assert.ok(cells.at(-1)?.includes(`(${CACHE.resources.length} cached)`), cells.join(' | '))
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await page.close()
  }
  // Without the option there is no repeat view, on the row or the page.
  const plain = await fetch(`${server.url}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${site.url}${CACHE.page}` }),
  })
  const other = await finished(((await plain.json()) as { id: string }).id, 60_000)
  assert.equal(other.results[0]?.repeatView, undefined)
})

test('repeatView must be a boolean', async () => {
  const response = await fetch(`${server.url}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${site.url}${CACHE.page}`, repeatView: 'yes' }),
  })
  assert.equal(response.status, 400)
  const body = (await response.json()) as { error: { code: string } }
  assert.equal(body.error.code, 'bad_request')
})
