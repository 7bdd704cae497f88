/**
 * The start form on a private deploy (`WPS_API_KEYS`), in real Chromium against the real
 * `wps serve`: the page learns from the server that starting needs a key and shows an API
 * key field; no key and a wrong key are refused in plain words (no header names), the
 * right key starts a test that runs to its numbers, and the key is remembered by this
 * browser for the next visit. axe-core finds nothing serious on the form with the field.
 *
 *   node --import tsx --test test/e2e/api-key.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Browser, chromium } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'
import { seriousViolations } from './axe.ts'
import { ensureWebBuilt } from './web-build.ts'

const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')
const KEY = 'k-e2e-0123456789abcdef'

let site: FixtureSite
let server: WpsServer
let browser: Browser

before(async () => {
  await ensureWebBuilt()
  site = await startFixtureSite()
  server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1', WPS_API_KEYS: KEY })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
})

after(async () => {
  await browser?.close()
  await site?.close()
  await server?.stop()
})

test('the form asks for the key the server needs, words refusals plainly, and remembers a good key', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
  const page = await context.newPage()
  try {
    await page.goto(server.url)
    const keyField = page.getByLabel('API key')
    await keyField.waitFor()
    assert.equal(await keyField.inputValue(), '')
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByLabel('Page to test').fill(`${site.url}${FACTS.rich.path}`)
    const error = page.locator('#url-error')

    await page.getByRole('button', { name: 'Go' }).click()
    await error.waitFor()
    assert.equal(
      await error.textContent(),
      'This server needs an API key to start a test. Enter your key in the API key field.',
    )

    await keyField.fill('k-wrong-0123456789abcdef')
    await page.getByRole('button', { name: 'Go' }).click()
    await page.getByText('This server did not accept that API key.', { exact: false }).waitFor()
    assert.doesNotMatch((await error.textContent()) ?? '', /Bearer|Authorization/)
    assert.match(page.url(), /\/$/, 'still on the form')

    await keyField.fill(KEY)
    await page.getByRole('button', { name: 'Go' }).click()
    await page.waitForURL(/\/tests\/[^/]+$/)
    const row = page.locator('.row[data-status="complete"], .row[data-status="error"]').first()
    await row.waitFor({ timeout: 90_000 })
    assert.equal(await row.getAttribute('data-status'), 'complete', (await row.textContent()) ?? '')

    // Next visit, same browser: the key is there already.
    const again = await context.newPage()
    await again.goto(server.url)
    await again.getByLabel('API key').waitFor()
    assert.equal(await again.getByLabel('API key').inputValue(), KEY)
    await again.close()
  } finally {
    await context.close()
  }
})
