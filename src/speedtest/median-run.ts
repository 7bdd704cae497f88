/**
 * Repeat runs and the run people trust: one page load is noisy, so a test may load the
 * page several times (each a fresh browser context) and report the run whose `load` is
 * the median — a real run, with its own requests and waterfall, rather than an average
 * of numbers that never happened together (Lighthouse CI picks runs the same way).
 *
 *   pickMedianRun([{ metrics: { load: 900, … } }, { … load: 700 }, { … load: 800 }])  // → index 2
 *
 * Runs that failed are never picked while one succeeded; with an even count the lower
 * middle wins, so the reported run is never a flattering outlier.
 */
import type { Measurement } from '../browser/types.ts'

export function pickMedianRun(runs: readonly Measurement[]): number {
  if (runs.length === 0) throw new Error('pickMedianRun needs at least one run')
  const succeeded = runs.map((run, index) => ({ run, index })).filter(({ run }) => run.error === null)
  const pool = succeeded.length > 0 ? succeeded : runs.map((run, index) => ({ run, index }))
  const ordered = [...pool].sort(
    (a, b) =>
      (a.run.metrics.load ?? Number.POSITIVE_INFINITY) - (b.run.metrics.load ?? Number.POSITIVE_INFINITY),
  )
  return ordered[Math.floor((ordered.length - 1) / 2)]?.index ?? 0
}
