/**
 * The tool's own overhead per test on a warm node: wall time from `POST /api/tests` to
 * the region's final event, minus the page's own `load` — what we add on top of the
 * page (placing the call, the spare context, the post-load settle, result transfer,
 * SSE). Also the CPU-seconds one measurement costs, summed over the server, its runner
 * and Chromium.
 */
import { startFixtureSite } from '../test/fixtures/site.ts'
import { fmt, median, percentile, startServe, timeTest, treeCpuSeconds } from './support.ts'

export async function benchOverhead(runs = 20): Promise<Record<string, number>> {
  const site = await startFixtureSite()
  const server = await startServe({ WPS_POOL_MIN: '1' })
  try {
    const url = `${site.url}/rich`
    for (let i = 0; i < 3; i++) await timeTest(server.url, { url }) // warm: runner booted, browser launched
    const pid = server.child.pid ?? 0
    const cpuBefore = treeCpuSeconds(pid)
    const overheads: number[] = []
    const loads: number[] = []
    for (let i = 0; i < runs; i++) {
      const timed = await timeTest(server.url, { url })
      const row = timed.test.results[0]
      if (!row || row.status !== 'complete' || row.metrics.load === null) {
        throw new Error(`test did not complete: ${JSON.stringify(row?.error)}`)
      }
      const completeAt = timed.completeAtMs.get(row.node) ?? timed.wallMs
      overheads.push(completeAt - row.metrics.load)
      loads.push(row.metrics.load)
    }
    const cpuPerTest = (treeCpuSeconds(pid) - cpuBefore) / runs
    const figures = {
      overheadMedianMs: median(overheads),
      overheadP90Ms: percentile(overheads, 90),
      loadMedianMs: median(loads),
      cpuSecondsPerTest: cpuPerTest,
    }
    console.log(`\n## Overhead per test (warm node, ${runs} sequential tests of /rich)`)
    console.log(`page load (median)        ${fmt(figures.loadMedianMs)}`)
    console.log(`tool overhead median      ${fmt(figures.overheadMedianMs)}   (target ≤ 100 ms)`)
    console.log(`tool overhead p90         ${fmt(figures.overheadP90Ms)}`)
    console.log(
      `CPU per measurement       ${figures.cpuSecondsPerTest.toFixed(2)} CPU-s (server + runner + Chromium)`,
    )
    return figures
  } finally {
    await server.stop()
    await site.close()
  }
}
