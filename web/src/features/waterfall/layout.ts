/**
 * The geometry of a waterfall, as pure numbers: where each request's bar starts and ends
 * on a shared time axis (percent of the axis), its timing phases when the row carries HAR
 * timings, and where the page's milestones (DCL, FCP, LCP, load) fall. Rendering is then
 * a matter of absolutely positioned boxes, cheap enough for hundreds of requests.
 *
 *   const axis = timeAxis(entries, metrics)            // { endMs: 1200, ticks: [0, 250, 500, …] }
 *   barOf(entries[0], axis)                            // { left: 0, width: 12.5, phases: [...] }
 *   milestones(metrics, axis)                          // [{ key: 'fcp', label: 'FCP', at: 410, left: 34.2 }, …]
 */
import type { Metrics } from '../../../../src/browser/types.ts'
import type { Entry, TimingPhases } from '../../api.ts'

export interface Axis {
  endMs: number
  ticks: number[]
}

export interface Phase {
  name: keyof TimingPhases
  left: number
  width: number
}

export interface Bar {
  left: number
  width: number
  phases: Phase[]
}

export interface Milestone {
  key: 'domContentLoaded' | 'fcp' | 'lcp' | 'load'
  label: string
  at: number
  left: number
}

const PHASES: Array<keyof TimingPhases> = ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive']
const MILESTONES: Array<[Milestone['key'], string]> = [
  ['domContentLoaded', 'DCL'],
  ['fcp', 'FCP'],
  ['lcp', 'LCP'],
  ['load', 'Load'],
]
const NICE_STEPS = [
  10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 30_000, 60_000,
]

const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/** An axis from 0 to a little past the last thing that happened, with about five round ticks. */
export function timeAxis(entries: Entry[], metrics: Partial<Metrics>): Axis {
  let last = 0
  for (const entry of entries) last = Math.max(last, entry.end ?? entry.start)
  for (const [key] of MILESTONES) {
    const value = metrics[key]
    if (finite(value)) last = Math.max(last, value)
  }
  const endRaw = Math.max(last, 1)
  const step = NICE_STEPS.find((candidate) => endRaw / candidate <= 6) ?? 60_000
  const endMs = Math.ceil(endRaw / step) * step
  const ticks: number[] = []
  for (let at = 0; at <= endMs; at += step) ticks.push(at)
  return { endMs, ticks }
}

const percent = (ms: number, axis: Axis): number => Math.min(100, Math.max(0, (ms / axis.endMs) * 100))

/** A request still open at the end (no `end`) runs to the end of the axis. */
export function barOf(entry: Entry, axis: Axis): Bar {
  const start = Math.max(0, entry.start)
  const end = Math.max(start, entry.end ?? axis.endMs)
  const left = percent(start, axis)
  const width = Math.max(percent(end, axis) - left, 0.3)
  const phases: Phase[] = []
  if (entry.timings) {
    let at = start
    for (const name of PHASES) {
      const ms = entry.timings[name]
      if (!finite(ms) || ms <= 0) continue
      phases.push({ name, left: percent(at, axis), width: percent(at + ms, axis) - percent(at, axis) })
      at += ms
    }
  }
  return { left, width, phases }
}

export function milestones(metrics: Partial<Metrics>, axis: Axis): Milestone[] {
  const found: Milestone[] = []
  for (const [key, label] of MILESTONES) {
    const at = metrics[key]
    if (finite(at)) found.push({ key, label, at, left: percent(at, axis) })
  }
  return found
}

/** A request's name as a person scans it: the path's last part, or the host for a bare origin. */
export function shortName(url: string): string {
  try {
    const parsed = new URL(url)
    const last = parsed.pathname.split('/').filter(Boolean).at(-1)
    return last ? decodeURIComponent(last) + parsed.search : parsed.host
  } catch {
    return url
  }
}
