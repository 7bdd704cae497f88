/**
 * The browser pool's costs (issue 3): cold start of a real `wps runner` (empty pool →
 * task running → first page loaded), the hot-call overhead of an empty task on each
 * backend, and a burst of 20 tests at once on the default settings — all complete, the
 * median `load` stays close to an isolated measurement because the pool queues instead
 * of overloading the machine, and the pool idles back to `min` afterwards.
 */

import { type Backend, LocalBackend, Pool } from '@world-page-speed/flame'
import { fixtureBackend, hotCallTimes } from '@world-page-speed/flame/testing'
import { readConfig } from '../src/cli/config.ts'
import { createPoolBackend } from '../src/cli/node.ts'
import { timedNav } from '../src/speedtest/timed-nav.ts'
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import { versus } from './runner-cold.ts'
import { fmt, median, percentile, startServe, timeTest } from './support.ts'

async function coldStart(url: string, runs = 5): Promise<void> {
  // The runner's warm browser start takes a machine-budget slot when one is free; the bench's
  // loads never overlap (machineSlots 0), and other work on a shared machine must not turn it off.
  const previousBudget = process.env.WPS_MACHINE_BUDGET
  process.env.WPS_MACHINE_BUDGET = '0'
  const placed: number[] = []
  const loaded: number[] = []
  const browserLaunch: number[] = []
  for (let i = 0; i < runs; i++) {
    const pool = new Pool({
      name: 'cold',
      backend: (await createPoolBackend(readConfig({ WPS_POOL_BACKEND: 'process' }))).backend,
      max: 1,
      maxConcurrency: 1,
      log: false,
    })
    const t0 = performance.now()
    await pool.call(
      timedNav,
      { url, timeoutMs: 30_000, machineSlots: 0, egress: { allowPrivate: true, latencyMs: 0 } },
      {
        onPlaced: () => placed.push(performance.now() - t0),
        onMessage: (m) => {
          const message = m as { type: string; launchMs?: number }
          if (message.type === 'browser' && message.launchMs !== undefined)
            browserLaunch.push(message.launchMs)
        },
      },
    )
    loaded.push(performance.now() - t0)
    await pool.shutdown()
  }
  if (previousBudget === undefined) delete process.env.WPS_MACHINE_BUDGET
  else process.env.WPS_MACHINE_BUDGET = previousBudget
  console.log(`\n## Cold start of a real \`wps runner\` (process backend, ${runs} runs, median)`)
  console.log(`empty pool → task running     ${versus(median(placed), 500)}`)
  console.log(`Chromium launch in the runner ${fmt(median(browserLaunch))}`)
  console.log(`empty pool → first page loaded ${fmt(median(loaded))}  (page: /rich)`)
}

async function hotCall(name: string, backend: Backend): Promise<void> {
  const times = await hotCallTimes(backend, 300)
  console.log(
    `${name.padEnd(30)} median ${median(times).toFixed(2)} ms, p90 ${percentile(times, 90).toFixed(2)} ms`,
  )
}

async function burst(siteUrl: string, size = 20): Promise<void> {
  const server = await startServe()
  try {
    const url = `${siteUrl}${FACTS.rich.path}`
    await timeTest(server.url, { url })
    const isolated: number[] = []
    for (let i = 0; i < 5; i++) {
      const { test } = await timeTest(server.url, { url })
      isolated.push(test.results[0]?.metrics.load ?? Number.NaN)
    }
    const t0 = performance.now()
    const results = await Promise.all(Array.from({ length: size }, () => timeTest(server.url, { url })))
    const burstMs = performance.now() - t0
    const rows = results.map((r) => r.test.results[0])
    const complete = rows.filter((row) => row?.status === 'complete').length
    const loads = rows.map((row) => row?.metrics.load ?? Number.NaN)
    const ratio = median(loads) / median(isolated)
    const pools = async () =>
      (
        (await (await fetch(`${server.url}/api/pools`)).json()) as Array<{
          runners: number
          min: number
          max: number
        }>
      )[0]
    const during = await pools()
    const idleStart = performance.now()
    let after = during
    while (after && after.runners > after.min && performance.now() - idleStart < 90_000) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      after = await pools()
    }
    console.log(
      `\n## Burst of ${size} tests at once (wps serve, default settings: max ${during?.max} runner(s))`,
    )
    console.log(`completed                     ${complete}/${size} in ${fmt(burstMs)}`)
    console.log(`isolated load (median of 5)   ${fmt(median(isolated))}`)
    console.log(
      `burst load (median)           ${fmt(median(loads))}   ratio ${ratio.toFixed(2)}× (target ≤ 1.3×)`,
    )
    console.log(`burst load p90                ${fmt(percentile(loads, 90))}`)
    console.log(
      `back to min (${after?.min})              ${after?.runners === after?.min ? 'yes' : 'NO'}, ${fmt(performance.now() - idleStart)} after the burst`,
    )
  } finally {
    await server.stop()
  }
}

export async function benchPool(): Promise<void> {
  const site = await startFixtureSite()
  try {
    await coldStart(`${site.url}${FACTS.rich.path}`)
    console.log('\n## Hot call overhead (pool.call of an empty task on a warm runner)')
    await hotCall('local backend', new LocalBackend())
    await hotCall('process backend', fixtureBackend())
    await burst(site.url)
  } finally {
    await site.close()
  }
}
