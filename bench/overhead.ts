/**
 * The tool's own overhead per test on a warm node: wall time from `POST /api/tests` to
 * the region's first numbers (the row at `load` + settle; the final row follows after
 * the late window, see late.ts), minus the page's own `load` — what we add on top of the
 * page (placing the call, the spare context, the post-load settle, result transfer,
 * SSE). Also the CPU-seconds one measurement costs, summed over the server, its runner
 * and Chromium.
 *
 * Two cadences: "paced" (a test arrives at an idle warm node, as when a person presses
 * Go — the case the ≤ 100 ms target is about) and "back-to-back" (the next test arrives
 * the moment the previous one ends; target ≤ 150 ms). The used context is closed and
 * the fresh one opened (~200 ms of renderer start-up) as soon as the previous
 * measurement has gathered its last data from the page (its Speed Index is computed once
 * the spare is open), never during a page load, because that would falsify its numbers.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import { versus } from './runner-cold.ts'
import { fmt, median, percentile, startServe, timeTest, treeCpuSeconds } from './support.ts'

interface Series {
  overheads: number[]
  loads: number[]
}

async function series(base: string, url: string, runs: number, gapMs: number): Promise<Series> {
  const result: Series = { overheads: [], loads: [] }
  for (let i = 0; i < runs; i++) {
    if (gapMs > 0) await sleep(gapMs)
    const timed = await timeTest(base, { url })
    const row = timed.test.results[0]
    if (row?.status !== 'complete' || row.metrics.load === null) {
      throw new Error(`test did not complete: ${JSON.stringify(row?.error)}`)
    }
    const completeAt = timed.firstNumbersAtMs.get(row.node) ?? timed.wallMs
    result.overheads.push(completeAt - row.metrics.load)
    result.loads.push(row.metrics.load)
  }
  return result
}

export async function benchOverhead(runs = 20): Promise<Record<string, number>> {
  const site = await startFixtureSite()
  const server = await startServe({ WPS_POOL_MIN: '1' })
  try {
    const url = `${site.url}${FACTS.rich.path}`
    await series(server.url, url, 3, 0) // warm: runner booted, browser launched
    const pid = server.child.pid ?? 0
    const cpuBefore = treeCpuSeconds(pid)
    const paced = await series(server.url, url, runs, 500)
    const cpuPerTest = (treeCpuSeconds(pid) - cpuBefore) / runs
    const backToBack = await series(server.url, url, runs, 0)
    const figures = {
      overheadMedianMs: median(paced.overheads),
      overheadP90Ms: percentile(paced.overheads, 90),
      loadMedianMs: median(paced.loads),
      backToBackOverheadMedianMs: median(backToBack.overheads),
      backToBackLoadMedianMs: median(backToBack.loads),
      cpuSecondsPerTest: cpuPerTest,
    }
    console.log(`\n## Overhead per test (warm node, ${runs} tests of /rich each way)`)
    console.log(`paced: page load (median)        ${fmt(figures.loadMedianMs)}`)
    console.log(`paced: tool overhead median      ${fmt(figures.overheadMedianMs)}   (target ≤ 100 ms)`)
    console.log(`paced: tool overhead p90         ${fmt(figures.overheadP90Ms)}`)
    console.log(`back-to-back: overhead median    ${versus(figures.backToBackOverheadMedianMs, 150)}`)
    console.log(`back-to-back: page load median   ${fmt(figures.backToBackLoadMedianMs)}`)
    console.log(
      `CPU per measurement              ${figures.cpuSecondsPerTest.toFixed(2)} CPU-s (server + runner + Chromium)`,
    )
    return figures
  } finally {
    await server.stop()
    await site.close()
  }
}
