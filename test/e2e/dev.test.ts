/**
 * End to end on a planet that fits a laptop: `wps dev --regions ord,fra,syd` (nats-server
 * plus a node per region, each region's browsers behind its real round-trip time), the
 * page in a real browser, a fixture URL typed in, Go pressed, and three rows — Chicago,
 * Frankfurt, Sydney — filling in with numbers. Then `wps dev` is stopped, politely
 * (SIGTERM) and not (kill -9), and nothing it started may still be running: not
 * nats-server, not a node, not a runner, not a Chromium.
 *
 *   node --import tsx --test test/e2e/dev.test.ts
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chromium } from 'playwright-core'
import { chromiumArgs } from '../../src/browser/index.ts'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'
import { type DevCluster, kindOf, startDev } from '../multiregion/dev-process.ts'
import { describeProcesses } from '../multiregion/nodes.ts'
import { runTest } from '../support/api.ts'
import type { ProcessInfo } from '../support/processes.ts'
import { ensureWebBuilt } from './web-build.ts'

// Our own launch flags, minus the one that only suits puppeteer (playwright opens its own window).
const CHROMIUM_FLAGS = chromiumArgs().filter((flag) => flag !== '--no-startup-window')
const REGIONS = ['ord', 'fra', 'syd']
const CITIES: Record<string, string> = { ord: 'Chicago', fra: 'Frankfurt', syd: 'Sydney' }

/** How many of each kind of process `wps dev` has running, to prove the leak check has something to find. */
function census(processes: ProcessInfo[]): Record<string, number> {
  const counts: Record<string, number> = { nats: 0, node: 0, runner: 0, chromium: 0 }
  for (const info of processes) {
    const kind = kindOf(info)
    if (kind !== 'other') counts[kind] = (counts[kind] ?? 0) + 1
  }
  return counts
}

function assertHasEverything(seen: ProcessInfo[], nodes: number): void {
  const counts = census(seen)
  assert.equal(counts.nats, 1, `one nats-server: ${JSON.stringify(counts)}`)
  assert.equal(counts.node, nodes, `one node per region: ${JSON.stringify(counts)}`)
  assert.ok(
    (counts.runner ?? 0) >= 1 && (counts.chromium ?? 0) >= 1,
    `runners and Chromium: ${JSON.stringify(counts)}`,
  )
}

test('wps dev: three regions fill their rows in the page; SIGTERM leaves nothing behind', async (t) => {
  await ensureWebBuilt()
  const site = await startFixtureSite()
  t.after(() => site.close())
  const dev: DevCluster = await startDev(REGIONS)
  t.after(() => dev.stop())
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })

  await page.goto(dev.url)
  for (const region of REGIONS) await page.locator(`input[name="region"][value="${region}"]`).waitFor()
  await page.getByLabel('Page to test').fill(`${site.url}${FACTS.rich.path}`)
  await page.getByRole('button', { name: 'Go' }).click()
  await page.waitForURL(/\/tests\/[^/]+$/)
  await page.locator('.state', { hasText: 'Done' }).waitFor({ timeout: 120_000 })

  const rows = await page.locator('.row').evaluateAll((elements) =>
    elements.map((row) => {
      const figures: Record<string, string> = {}
      for (const cell of row.querySelectorAll<HTMLElement>('[data-metric]')) {
        figures[cell.dataset.metric ?? ''] = cell.querySelector('dd')?.textContent ?? ''
      }
      const el = row as HTMLElement
      return {
        region: el.dataset.region ?? '',
        status: el.dataset.status ?? '',
        name: row.querySelector('.region-name')?.textContent ?? '',
        figures,
      }
    }),
  )
  assert.deepEqual(rows.map((row) => row.region).sort(), [...REGIONS].sort(), JSON.stringify(rows))
  for (const row of rows) {
    assert.equal(row.status, 'complete', JSON.stringify(row))
    assert.equal(row.name, CITIES[row.region], 'the row is labelled with its city')
    assert.equal(row.figures.requests, String(FACTS.rich.requests), JSON.stringify(row))
    assert.equal(row.figures.http, '200')
    for (const metric of ['ttfb', 'fcp', 'load']) {
      assert.match(row.figures[metric] ?? '', /^(\d+ ms|\d+\.\d\d s)$/, `${row.region} ${metric}`)
    }
  }

  const seen = dev.started()
  assertHasEverything(seen, REGIONS.length)
  await dev.stop()
  const { code, signal } = await dev.exited
  assert.equal(code, 0, `wps dev exit ${code ?? signal}:\n${dev.output()}`)
  const leftovers = await dev.leftovers(seen, 5000)
  assert.deepEqual(
    describeProcesses(leftovers),
    [],
    'processes wps dev started are still alive after SIGTERM',
  )
})

test('wps dev killed with -9: its nodes, nats-server, runners and Chromium end within 10 s', async (t) => {
  const site = await startFixtureSite()
  t.after(() => site.close())
  // Two regions prove the mechanism at a lower cost on a 2-core machine.
  const dev = await startDev(['ord', 'fra'])
  t.after(() => dev.stop())
  const run = await runTest(dev.url, { url: `${site.url}${FACTS.rich.path}` }, { timeoutMs: 90_000 })
  assert.deepEqual(
    run.test.results.map((row) => row.status),
    ['complete', 'complete'],
  )

  const seen = dev.started()
  assertHasEverything(seen, 2)
  const killedAt = performance.now()
  dev.child.kill('SIGKILL')
  await dev.exited
  const leftovers = await dev.leftovers(seen, 10_000)
  t.diagnostic(`everything it started was gone ${(performance.now() - killedAt).toFixed(0)} ms after kill -9`)
  assert.deepEqual(describeProcesses(leftovers), [], 'processes wps dev started outlived its kill -9')
})
