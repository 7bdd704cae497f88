/**
 * Pure formatting for the numbers in a result row. Every helper takes the raw
 * value from a RegionResult (which may be `null` when it was not measured) and
 * returns display text; `null` becomes an em dash so an empty cell still reads
 * as "nothing here" rather than as zero.
 *
 *   formatMs(412.4)        // "412 ms"
 *   formatMs(1834)         // "1.83 s"
 *   formatBytes(1_572_864) // "1.50 MB"
 *   formatCls(0.04213)     // "0.042"
 */

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

export type Rating = 'good' | 'needs-improvement' | 'poor'

/** Web-vitals thresholds (good ≤ first, poor > second), as published on web.dev. */
const thresholds = {
  ttfb: [800, 1800],
  fcp: [1800, 3000],
  lcp: [2500, 4000],
  cls: [0.1, 0.25],
  tbt: [200, 600],
} as const

export type RatedMetric = keyof typeof thresholds

/** How a metric value compares with the published thresholds, or null when unmeasured. */
export function rate(metric: RatedMetric, value: number | null | undefined): Rating | null {
  if (!isNumber(value)) return null
  const [good, poor] = thresholds[metric]
  if (value <= good) return 'good'
  if (value <= poor) return 'needs-improvement'
  return 'poor'
}
