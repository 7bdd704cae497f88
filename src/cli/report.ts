/**
 * How `wps run` shows a test in a terminal: one progress line per row change (stderr)
 * and a table of the final rows (stdout). Pure functions of the data; numbers and status
 * words come from `src/format/`, which the web page uses too, so both say the same.
 *
 *   progressLine(result)   // → 'ord  Loading page'
 *   elapsedPrefix(start)   // → '[  1.2 s]', the time since `start` that prefixes each progress line
 *   resultTable(test)      // → aligned text table, one line per region
 */
import { formatBytes, formatCount, formatMs, LIGHTHOUSE_RUNNING, statusText } from '../format/index.ts'
import type { RegionResult, SpeedTest } from '../speedtest/model.ts'
import { alignRows, numberCells, numberHeader, type ViewCells } from './table.ts'

export { formatBytes, formatMs }

/** `[ 12.3 s] ` since `start`: progress a person (or a CI log) can read as a timeline. */
export function elapsedPrefix(start: number, now = performance.now()): string {
  return `[${((now - start) / 1000).toFixed(1).padStart(5)} s]`
}

export function progressLine(result: RegionResult): string {
  const cold = result.cold && result.bootMs ? ` (cold start ${formatMs(result.bootMs)})` : ''
  if (result.status === 'error')
    return `${result.region}  ${statusText('error')}: ${result.error?.message ?? 'unknown'}${cold}`
  if (result.status === 'complete' && result.lighthouse?.status === 'running')
    return `${result.region}  ${LIGHTHOUSE_RUNNING} (load ${formatMs(result.metrics.load)}${cold})`
  if (result.status === 'complete' && result.final === false)
    return `${result.region}  First numbers: load ${formatMs(result.metrics.load)}${cold} (watching what comes after load)`
  if (result.status === 'complete')
    return `${result.region}  ${statusText('complete')}: load ${formatMs(result.metrics.load)}${cold}`
  const run = result.run && result.runCount ? ` (run ${result.run} of ${result.runCount})` : ''
  return `${result.region}  ${statusText(result.status, result.queuePosition)}${run}`
}

export function resultTable(test: SpeedTest): string {
  const header = ['region', 'status', 'http', ...numberHeader()]
  const numbers = (n: Pick<RegionResult, 'httpStatus'> & ViewCells) => [
    formatCount(n.httpStatus),
    ...numberCells(n),
  ]
  // A repeat view (warm cache) sits on the line below its row's first view.
  const rows = test.results.flatMap((r) => [
    [r.region, r.status === 'error' ? (r.error?.code ?? 'error') : r.status, ...numbers(r)],
    ...(r.repeatView
      ? [
          [
            r.region,
            r.repeatView.error ? `repeat: ${r.repeatView.error.code}` : 'repeat view',
            ...numbers(r.repeatView),
          ],
        ]
      : []),
  ])
  const errors = test.results.filter((r) => r.error).map((r) => `${r.region}: ${r.error?.message}`)
  const cached = test.results.flatMap((r) =>
    r.repeatView && !r.repeatView.error
      ? [
          `${r.region} repeat view: ${r.repeatView.cachedRequests} of ${r.repeatView.requests} requests from the browser's cache`,
        ]
      : [],
  )
  const runCount = test.results.find((r) => r.runCount)?.runCount
  const title = runCount ? `${test.url}  (each region: the median of ${runCount} runs, by load)` : test.url
  return [title, ...alignRows(header, rows), ...cached, ...errors].join('\n')
}

/** Exit 0 only when every region completed with an HTTP status below 400 and within its budget, if any. */
export function exitCodeFor(test: SpeedTest): number {
  const passed = test.results.every(
    (r) =>
      r.status === 'complete' && r.httpStatus !== null && r.httpStatus < 400 && r.budget?.passed !== false,
  )
  return passed && test.results.length > 0 ? 0 : 1
}
