/**
 * Hostile pages end with a row that says what happened, and the browser that measured
 * them measures the next page as if nothing had happened: dialogs are dismissed and the
 * load measured; a main thread that never yields after `load` is `page_unresponsive`
 * with the numbers reached; a navigation loop is stopped and says where; a download is
 * `download`, and no file is written. Each is a fixture page (test/fixtures/site.ts).
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { LOOP_LIMIT } from '../../src/browser/measure.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { livingInGroup, waitFor } from '../support/processes.ts'

const TIMEOUT_MS = 20_000

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return []
  }
}

describe('hostile pages', () => {
  let site: FixtureSite
  let host: BrowserHost
  before(async () => {
    site = await startFixtureSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    const pid = host?.pid
    await host?.close()
    // close() SIGKILLs the group; on a busy machine the last helper may take a moment to be reaped.
    if (pid)
      assert.ok(
        await waitFor(() => livingInGroup(pid).length === 0, 3000),
        `Chromium left behind: ${livingInGroup(pid)}`,
      )
    await site?.close()
  })

  /** The next page on the same browser is measured normally. */
  async function nextPageWorks(): Promise<void> {
    const m = await host.measure(`${site.url}${FACTS.rich.path}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error, null)
    assert.equal(m.requests, FACTS.rich.requests)
    assert.ok(m.metrics.load !== null && m.metrics.fcp !== null)
  }

  it('alert, confirm and prompt are dismissed and the load is measured', async () => {
    const m = await host.measure(`${site.url}${FACTS.dialogs.path}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error, null, JSON.stringify(m.error))
    // The image comes after the dialogs in the document: it loads only once all three are gone.
    assert.equal(m.requests, FACTS.dialogs.requests)
    assert.ok(m.entries.every((e) => e.status === 200))
    assert.ok(m.metrics.load !== null && m.metrics.fcp !== null, JSON.stringify(m.metrics))
    await nextPageWorks()
  })

  it('a main thread that never yields after load is page_unresponsive, with the numbers it reached', async () => {
    const m = await host.measure(`${site.url}${FACTS.unresponsive.path}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error?.code, 'page_unresponsive', JSON.stringify(m.error))
    assert.match(m.error?.message ?? '', /stopped responding/)
    const { ttfb, fcp, domContentLoaded, load } = m.metrics
    for (const [name, value] of Object.entries({ ttfb, fcp, domContentLoaded, load })) {
      assert.ok(value !== null && value > 0, `${name} was reached: ${value}`)
    }
    assert.ok(load! >= domContentLoaded! && load! >= ttfb!)
    assert.equal(m.httpStatus, 200)
    await nextPageWorks()
  })

  for (const loop of [FACTS.refreshLoop, FACTS.jsLoop]) {
    it(`a navigation loop (${loop.path}) is stopped and reports where it ended`, async () => {
      site.resetTraffic()
      const m = await host.measure(`${site.url}${loop.path}`, { timeoutMs: TIMEOUT_MS })
      assert.equal(m.error?.code, 'navigation_loop', JSON.stringify({ ...m, entries: m.entries.length }))
      const last = `${site.url}${loop.path}?n=${LOOP_LIMIT}`
      assert.equal(m.finalUrl, last)
      assert.ok(m.error?.message.includes(last), m.error?.message)
      assert.ok(site.traffic().requests.length >= LOOP_LIMIT + 1)
      await nextPageWorks()
    })
  }

  it('a single meta refresh is followed like a redirect: the numbers are of where it went', async () => {
    const m = await host.measure(`${site.url}${FACTS.refreshOnce.path}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error, null, JSON.stringify(m.error))
    assert.equal(m.finalUrl, `${site.url}${FACTS.refreshOnce.finalPath}`)
    assert.equal(m.requests, 2)
    assert.ok(m.metrics.fcp !== null && m.metrics.load !== null, JSON.stringify(m.metrics))
  })

  it('a download is named as such, and nothing is saved', async () => {
    const before = new Set([...filesUnder(host.userDataDir), ...filesUnder(join(homedir(), 'Downloads'))])
    const m = await host.measure(`${site.url}${FACTS.download.path}`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error?.code, 'download', JSON.stringify(m.error))
    assert.match(m.error?.message ?? '', /application\/octet-stream, "data\.bin"/)
    const now = [...filesUnder(host.userDataDir), ...filesUnder(join(homedir(), 'Downloads'))]
    assert.deepEqual(
      now.filter((f) => !before.has(f) && /data\.bin|crdownload/.test(f)),
      [],
    )
    await nextPageWorks()
    assert.ok(host.alive)
  })
})
