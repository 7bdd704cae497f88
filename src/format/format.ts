/**
 * Pure formatting for the numbers of a result, shared by `wps run`'s table and the web
 * page (a leaf: it imports only its sibling words.ts, so both builds can import it). Every helper takes the raw
 * value from a RegionResult (which may be `null` when it was not measured) and
 * returns display text; `null` becomes an em dash so an empty cell still reads
 * as "nothing here" rather than as zero.
 *
 *   formatMs(412.4)        // "412 ms"
 *   formatMs(1834)         // "1.83 s"
 *   formatBytes(1_572_864) // "1.50 MB"
 *   formatCls(0.04213)     // "0.042"
 */

import { METRICS, type RatedMetric, type Rating } from './words.ts'

export type { RatedMetric, Rating } from './words.ts'

export const MISSING = '—'

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/** Milliseconds; from 1000 ms up (after rounding) as seconds with two decimals. */
export function formatMs(ms: number | null | undefined): string {
  if (!isNumber(ms)) return MISSING
  const rounded = Math.round(ms)
  if (Math.abs(rounded) < 1000) return `${rounded} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

/** Bytes on the wire, in binary units (1 KB = 1024 B), as DevTools shows them. */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isNumber(bytes)) return MISSING
  if (bytes < 1024) return `${Math.round(bytes)} B`
  const kb = bytes / 1024
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`
  return `${(kb / 1024).toFixed(2)} MB`
}

/** Cumulative Layout Shift is unitless; three decimals is the convention. */
export function formatCls(cls: number | null | undefined): string {
  if (!isNumber(cls)) return MISSING
  return cls.toFixed(3)
}

/** Whole counts such as the number of requests. */
export function formatCount(count: number | null | undefined): string {
  if (!isNumber(count)) return MISSING
  return String(Math.round(count))
}

/** How a metric value compares with Google's thresholds (good ≤ first, poor > second), or null when unmeasured. */
export function rate(metric: RatedMetric, value: number | null | undefined): Rating | null {
  if (!isNumber(value)) return null
  const { good, poor } = METRICS[metric]
  if (value <= good) return 'good'
  if (value <= poor) return 'needs-improvement'
  return 'poor'
}

/** A threshold in the metric's own unit: "2.50 s", "0.1". */
export function formatThreshold(metric: RatedMetric, value: number): string {
  return METRICS[metric].unit === 'ms' ? formatMs(value) : String(value)
}

export type DeltaKind = 'ms' | 'cls' | 'count' | 'bytes'

/** A signed difference (b − a) in the metric's unit: "+120 ms", "−1.20 s", "±0 ms"; a dash when unmeasured. */
export function formatDelta(kind: DeltaKind, delta: number | null | undefined): string {
  if (!isNumber(delta)) return MISSING
  const size = Math.abs(delta)
  const text =
    kind === 'ms'
      ? formatMs(size)
      : kind === 'cls'
        ? formatCls(size)
        : kind === 'bytes'
          ? formatBytes(size)
          : formatCount(size)
  const zero = text === formatMs(0) || text === formatCls(0) || text === '0' || text === '0 B'
  return `${zero ? '±' : delta > 0 ? '+' : '−'}${text}`
}

/** A relative difference as a signed whole percent: "+12 %", "−40 %". */
export function formatPercent(relative: number | null | undefined): string {
  if (!isNumber(relative)) return MISSING
  const whole = Math.round(relative * 100)
  return `${whole === 0 ? '±' : whole > 0 ? '+' : '−'}${Math.abs(whole)} %`
}
