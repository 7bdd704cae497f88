/**
 * A multi-run row in numbers: per headline metric the fastest, the median run's and the
 * slowest value across runs. The row's own numbers are those of run `medianRun` (the run
 * with the median load time, as `--runs` picks it), so the median column is that run's.
 *
 *   runStats(row.runs, row.medianRun)
 *   // → [{ key: 'load', label: 'Load', min: 640, median: 700, max: 910 }, …]
 */
import type { RunSummary } from '../../../../src/speedtest/model.ts'

export type RunMetric = 'ttfb' | 'fcp' | 'lcp' | 'tbt' | 'load'

export interface RunStat {
  key: RunMetric
  label: string
  min: number | null
  median: number | null
  max: number | null
}

const METRICS: Array<[RunMetric, string]> = [
  ['ttfb', 'TTFB'],
  ['fcp', 'FCP'],
  ['lcp', 'LCP'],
  ['tbt', 'TBT'],
  ['load', 'Load'],
]

export function runStats(runs: RunSummary[], medianRun: number | undefined): RunStat[] {
  return METRICS.map(([key, label]) => {
    const values = runs.map((run) => run.metrics[key]).filter((value): value is number => value !== null)
    return {
      key,
      label,
      min: values.length ? Math.min(...values) : null,
      median: medianRun === undefined ? null : (runs[medianRun]?.metrics[key] ?? null),
      max: values.length ? Math.max(...values) : null,
    }
  })
}
