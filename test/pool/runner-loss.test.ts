/**
 * The browser pool under real failure, through the whole product: `wps serve` with its
 * default `process` backend, real runner processes, real Chromium.
 *
 * - kill -9 of the runner mid-measurement: that region's row ends as `runner_lost`,
 *   and the next test works (the pool replaces the runner on demand);
 * - kill -9 of the server mid-measurement: its runner and Chromium go too.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { runTest, waitUntil } from '../support/api.ts'
import { isChromium, type ProcessInfo } from '../support/processes.ts'
import { readEvents } from '../support/sse.ts'
import { startWpsServer } from '../support/wps-process.ts'

const isRunner = (p: ProcessInfo) => /wps\.mjs runner/.test(p.command)

async function startSlowTest(base: string, url: string): Promise<{ id: string; events: string }> {
  const response = await fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  })
  assert.equal(response.status, 201)
  const body = (await response.json()) as { id: string; links: { events: string } }
  // Wait until the page is loading: the runner is booted and Chromium is navigating.
  await readEvents(
    `${base}${body.links.events}`,
    (e) => (e.data as RegionResult).status === 'loading',
    30_000,
  )
  return { id: body.id, events: body.links.events }
}

describe('browser pool with real runner processes', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(async () => site?.close())

  it('turns a runner killed mid-measurement into runner_lost, then serves the next test', async (t) => {
    const server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1' })
    t.after(async () => {
      const { leftovers } = await server.stop()
      assert.deepEqual(leftovers, [])
    })
    const slow = await startSlowTest(server.url, `${site.url}${FACTS.ttfb.path}?ms=8000`)
    const runners = server.started().filter(isRunner)
    assert.equal(runners.length, 1, 'one runner is measuring')
    process.kill(runners[0]!.pid, 'SIGKILL')

    const events = await readEvents(`${server.url}${slow.events}`, (e) => e.event === 'done', 20_000)
    const done = events.at(-1)?.data as SpeedTest
    assert.equal(done.results[0]?.status, 'error')
    assert.equal(done.results[0]?.error?.code, 'runner_lost')

    const next = await runTest(server.url, { url: `${site.url}${FACTS.rich.path}` }, { timeoutMs: 30_000 })
    const row = next.test.results[0]
    assert.equal(row?.status, 'complete', JSON.stringify(row?.error))
    assert.equal(row?.requests, FACTS.rich.requests)
    assert.equal(row?.cold, true, 'the replacement runner was booted for this test')
    assert.ok((row?.bootMs ?? 0) > 0)
  })

  it('leaves no runner and no Chromium when the server is killed with SIGKILL', async (t) => {
    const server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1' })
    t.after(async () => {
      await server.stop()
    })
    await startSlowTest(server.url, `${site.url}${FACTS.ttfb.path}?ms=8000`)
    const started = server.started()
    assert.ok(started.some(isRunner), 'a runner was started')
    assert.ok(started.some(isChromium), 'Chromium was started')
    server.child.kill('SIGKILL')
    const alive = () => {
      const pids = new Set(started.map((p) => p.pid))
      return server.started().filter((p) => pids.has(p.pid))
    }
    await waitUntil(async () => alive().length === 0, 10_000, 'the runner and Chromium to end')
  })
})
