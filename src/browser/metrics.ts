/**
 * The computing half: pure functions from raw in-page entries (page-script.ts) to
 * the metrics people read, with the field's standard definitions (web.dev, Lighthouse).
 *
 *   computeMetrics(raw)   // { ttfb: 41, fcp: 88, lcp: 240, cls: 0.12, tbt: 150, domContentLoaded: 60, load: 310 }
 *
 * Choices where standards differ:
 * - `domContentLoaded` is `domContentLoadedEventStart`, the moment the event fires (the
 *   blue line in DevTools), mirroring `load` = `loadEventStart`.
 * - TBT sums blocking time from FCP to the end of the measurement (Lighthouse stops at
 *   TTI, which we do not compute); a task straddling FCP counts only its part after FCP.
 * - Not reached = `null` (the navigation entry reports 0 for events that never fired).
 */

import type { RawLayoutShift, RawLcpEntry, RawLongTask, RawPageMetrics, RawPaint } from './page-script.ts'
import type { Metrics } from './types.ts'

const BLOCKING_THRESHOLD_MS = 50
const SESSION_GAP_MS = 1000
const SESSION_CAP_MS = 5000

/** Last LCP candidate; its time is when it was rendered (or loaded, if render time is hidden). */
export function computeLcp(entries: readonly RawLcpEntry[]): number | null {
  const last = entries.at(-1)
  if (!last) return null
  const time = Math.max(last.renderTime || 0, last.loadTime || 0) || last.startTime
  return time > 0 ? time : null
}

/** Largest session window of unexpected shifts: windows end after a 1 s gap or 5 s in total. */
export function computeCls(shifts: readonly RawLayoutShift[]): number {
  let largest = 0
  let current = 0
  let windowStart = Number.NEGATIVE_INFINITY
  let previous = Number.NEGATIVE_INFINITY
  const counted = shifts.filter((s) => !s.hadRecentInput).sort((a, b) => a.startTime - b.startTime)
  for (const shift of counted) {
    // As web-vitals: a window continues while gaps stay under 1 s and its span under 5 s.
    const startsNewWindow =
      shift.startTime - previous >= SESSION_GAP_MS || shift.startTime - windowStart >= SESSION_CAP_MS
    if (startsNewWindow) {
      current = 0
      windowStart = shift.startTime
    }
    current += shift.value
    previous = shift.startTime
    largest = Math.max(largest, current)
  }
  return largest
}

/** Sum over long tasks after FCP of the time beyond 50 ms (`thresholdMs`). `null` without an FCP. */
export function computeTbt(
  tasks: readonly RawLongTask[],
  fcp: number | null,
  thresholdMs = BLOCKING_THRESHOLD_MS,
): number | null {
  if (fcp === null) return null
  let total = 0
  for (const task of tasks) {
    const end = task.startTime + task.duration
    const duration = end - Math.max(task.startTime, fcp)
    if (duration > thresholdMs) total += duration - thresholdMs
  }
  return total
}

export function computeFcp(paint: readonly RawPaint[]): number | null {
  return paint.find((p) => p.name === 'first-contentful-paint')?.startTime ?? null
}

const reached = (ms: number | undefined): number | null => (ms !== undefined && ms > 0 ? ms : null)

/**
 * Choices a metric is computed with. The defaults are the standard definitions; another
 * value computes another metric from the same gathered entries (`wps recompute`).
 */
export interface MetricOptions {
  /** A long task blocks for its time beyond this (Lighthouse: 50 ms). */
  tbtThresholdMs?: number
}

export function computeMetrics(raw: RawPageMetrics | null, options: MetricOptions = {}): Metrics {
  const fcp = raw ? computeFcp(raw.paint) : null
  const nav = raw?.navigation
  return {
    ttfb: reached(nav?.responseStart),
    fcp,
    lcp: raw ? computeLcp(raw.lcp) : null,
    cls: raw ? computeCls(raw.layoutShifts) : null,
    tbt: raw ? computeTbt(raw.longTasks, fcp, options.tbtThresholdMs) : null,
    domContentLoaded: reached(nav?.domContentLoadedEventStart),
    load: reached(nav?.loadEventStart),
  }
}

/** Round to whole ms (CLS to 4 decimals): sub-ms precision is noise and bloats every message. */
export function roundMetrics(m: Metrics): Metrics {
  const ms = (v: number | null) => (v === null ? null : Math.round(v))
  return {
    ttfb: ms(m.ttfb),
    fcp: ms(m.fcp),
    lcp: ms(m.lcp),
    cls: m.cls === null ? null : Math.round(m.cls * 10_000) / 10_000,
    tbt: ms(m.tbt),
    domContentLoaded: ms(m.domContentLoaded),
    load: ms(m.load),
  }
}
