/**
 * The browser pool's costs (issue 3): cold start of a real `wps runner` (empty pool →
 * task running → first page loaded), the hot-call overhead of an empty task on each
 * backend, and a burst of 20 tests at once on the default settings — all complete, the
 * median `load` stays close to an isolated measurement because the pool queues instead
 * of overloading the machine, and the pool idles back to `min` afterwards. Returns what
 * it prints: `coldStart.taskRunningMs`, `hotCall.process.p90Ms`, `burst.loadRatio`, …
 */

import { type Backend, LocalBackend, Pool } from '@world-page-speed/flame'
import { fixtureBackend, hotCallTimes } from '@world-page-speed/flame/testing'
import { readConfig } from '../src/cli/config.ts'
import { createPoolBackend } from '../src/cli/node.ts'
import { timedNav } from '../src/speedtest/timed-nav.ts'
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import { versus } from './runner-cold.ts'
import { fmt, median, percentile, startServe, timeTest } from './support.ts'

interface ColdStartFigures {
  taskRunningMs: number
  chromiumLaunchMs: number
  firstPageMs: number
}

async function coldStart(url: string, runs = 5): Promise<ColdStartFigures> {
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
  const figures = {
    taskRunningMs: median(placed),
    chromiumLaunchMs: median(browserLaunch),
    firstPageMs: median(loaded),
  }
  console.log(`\n## Cold start of a real \`wps runner\` (process backend, ${runs} runs, median)`)
  console.log(`empty pool → task running     ${versus(figures.taskRunningMs, 500)}`)
  console.log(`Chromium launch in the runner ${fmt(figures.chromiumLaunchMs)}`)
  console.log(`empty pool → first page loaded ${fmt(figures.firstPageMs)}  (page: /rich)`)
  return figures
}

async function hotCall(name: string, backend: Backend): Promise<{ medianMs: number; p90Ms: number }> {
  const times = await hotCallTimes(backend, 300)
  const figures = { medianMs: median(times), p90Ms: percentile(times, 90) }
  console.log(
    `${name.padEnd(30)} median ${figures.medianMs.toFixed(2)} ms, p90 ${figures.p90Ms.toFixed(2)} ms`,
  )
  return figures
}

interface BurstFigures {
  tests: number
  completed: number
  wallMs: number
  maxRunners: number | undefined
  isolatedLoadMedianMs: number
  loadMedianMs: number
  loadRatio: number
  loadP90Ms: number
  minRunners: number | undefined
  /** runners when the wait for the pool to idle back to min ended (min, or the wait ran out) */
  runnersAfterIdle: number | undefined
  /** from the burst's end to that moment */
  backToMinMs: number
}

async function burst(siteUrl: string, size = 20): Promise<BurstFigures> {
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
    const backToMinMs = performance.now() - idleStart
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
      `back to min (${after?.min})              ${after?.runners === after?.min ? 'yes' : 'NO'}, ${fmt(backToMinMs)} after the burst`,
    )
    return {
      tests: size,
      completed: complete,
      wallMs: burstMs,
      maxRunners: during?.max,
      isolatedLoadMedianMs: median(isolated),
      loadMedianMs: median(loads),
      loadRatio: ratio,
      loadP90Ms: percentile(loads, 90),
      minRunners: after?.min,
      runnersAfterIdle: after?.runners,
      backToMinMs,
    }
  } finally {
    await server.stop()
  }
}

export async function benchPool(): Promise<{
  coldStart: ColdStartFigures
  hotCall: Record<'local' | 'process', { medianMs: number; p90Ms: number }>
  burst: BurstFigures
}> {
  const site = await startFixtureSite()
  try {
    const cold = await coldStart(`${site.url}${FACTS.rich.path}`)
    console.log('\n## Hot call overhead (pool.call of an empty task on a warm runner)')
    const local = await hotCall('local backend', new LocalBackend())
    const processHot = await hotCall('process backend', fixtureBackend())
    return { coldStart: cold, hotCall: { local, process: processHot }, burst: await burst(site.url) }
  } finally {
    await site.close()
  }
}
