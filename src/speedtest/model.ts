/**
 * The data of a speed test: one URL measured from every chosen region node.
 * These shapes are the public contract of the HTTP API and `wps run --json`
 * (docs/architecture.md): extend them, don't change them.
 */
import type { DeviceName, Viewport } from '../browser/devices.ts'
import type { LayoutShiftReport, LcpElement } from '../browser/element-script.ts'
import type { LighthouseAudit, LighthouseOpportunity } from '../browser/lighthouse-summary.ts'
import type { MeasureError, Metrics, RequestEntry } from '../browser/types.ts'
import type { BudgetVerdict } from './budget.ts'
import type { Connectivity } from './connectivity.ts'

/** `queued`: waiting for a free browser (the pool's runners or the machine's load budget are busy). */
export type RegionStatus = 'queued' | 'starting' | 'loading' | 'complete' | 'error'

export interface RegionResult {
  region: string
  node: string
  status: RegionStatus
  httpStatus: number | null
  finalUrl: string | null
  metrics: Metrics
  requests: number | null
  transferBytes: number | null
  /** Whether this measurement had to boot a runner (or its browser), and how long that took. */
  cold: boolean | null
  bootMs: number | null
  error: MeasureError | null
  /**
   * On a `complete` row: false while the late window may still change its numbers (the
   * first numbers, at `load` + settle), true on the last update. Error rows are final.
   */
  final?: boolean
  /** When the page load started (epoch ms, the measuring browser's clock). */
  startedAt?: number
  /** While `queued`: its place in line, 1 = the next to get a browser (measurements ahead of it, counting the one it waits on). */
  queuePosition?: number
  /** With repeat runs: which run is loading now (1-based) and how many there are. */
  run?: number
  runCount?: number
  /** With repeat runs: every run's numbers; the row's own numbers are those of run `medianRun` (0-based). */
  runs?: RunSummary[]
  medianRun?: number
  /** When the measuring node produced this version of the row (epoch ms): how fresh it is. */
  updatedAt?: number
  /** Per-request log for the waterfall; present once complete. */
  entries?: RequestEntry[]
  /** With a budget: every limit that applies in this region, checked once the row has ended. */
  budget?: BudgetVerdict
  /** The device and network the numbers were taken on; present once measured. */
  settings?: Settings
  /** The element the LCP entry is about, by selector. */
  lcpElement?: LcpElement | null
  /** Each layout shift counted in CLS, with the elements it moved. */
  layoutShifts?: LayoutShiftReport[]
  /** Images of the load, as URLs this API serves. */
  artifacts?: RowArtifacts
  /** With `repeatView`: the same URL loaded again in the same context, warm cache (repeat view). */
  repeatView?: RepeatViewResult
  /** With `lighthouse: true`: the region's Lighthouse audit, `running` until it has ended. */
  lighthouse?: RowLighthouse
  /** Parts left out so the row fits one cluster message (row-size.ts), e.g. `['runEntries', 'images']`. */
  trimmed?: string[]
}

/**
 * A repeat view's numbers, beside the first view's on the row: measured the same way,
 * with what the browser answered from its cache counted apart.
 */
export interface RepeatViewResult {
  httpStatus: number | null
  finalUrl: string | null
  metrics: Metrics
  requests: number
  transferBytes: number
  /** Requests the browser answered from its cache, without the network. */
  cachedRequests: number
  error: MeasureError | null
}

/**
 * A row's Lighthouse audit (lighthouse-step.ts): the performance score (0..1), the metric
 * audits and the top opportunities; the full report is in `artifacts.lighthouse`.
 */
export interface RowLighthouse {
  status: 'running' | 'complete' | 'error'
  performance: number | null
  audits: Record<string, LighthouseAudit>
  opportunities: LighthouseOpportunity[]
  lighthouseVersion: string | null
  /** How long the audit took on the runner (ms), once it has ended. */
  durationMs: number | null
  /** Why there is no score, in plain words; the row's own numbers stand. */
  error: MeasureError | null
}

export interface Settings {
  device: DeviceName
  viewport: Viewport
  userAgent: string
  connectivity: Connectivity
  /** The browser's product and version, e.g. HeadlessChrome/156.0.7258.5. */
  browser: string
}

export interface RowArtifacts {
  /** The frames the page painted, at most one per 100 ms, until visually complete. `at`: ms from navigation start. */
  filmstrip: Array<{ at: number; url: string }>
  /** The viewport at the end of the load (JPEG), or null. */
  screenshot: string | null
  /** With a Lighthouse audit: its full report, as HTML and as JSON (the LHR). */
  lighthouse?: { html: string; json: string }
}

/** One of several runs of a page load, as listed on its row. */
export interface RunSummary {
  httpStatus: number | null
  metrics: Metrics
  requests: number
  transferBytes: number
  error: MeasureError | null
  /** This run's network log, for its waterfall; absent on the median run, whose log is the row's `entries`. */
  entries?: RequestEntry[]
}

export type TestState = 'running' | 'done'

export interface SpeedTest {
  id: string
  url: string
  createdAt: string
  state: TestState
  results: RegionResult[]
}

export const emptyMetrics = (): Metrics => ({
  ttfb: null,
  fcp: null,
  lcp: null,
  cls: null,
  tbt: null,
  domContentLoaded: null,
  load: null,
})

/**
 * A whole RegionResult from what a row said of itself (its stored body, or a row relayed
 * over the network): the fields every row has default to null when absent, and metrics
 * missing from it to null.
 */
export function wholeRow(
  fields: Partial<RegionResult> & { status: RegionStatus },
  metrics: Partial<Metrics> | undefined,
  identity: { node: string; region: string },
): RegionResult {
  return {
    httpStatus: null,
    finalUrl: null,
    requests: null,
    transferBytes: null,
    cold: null,
    bootMs: null,
    error: null,
    ...fields,
    metrics: { ...emptyMetrics(), ...metrics },
    node: identity.node,
    region: identity.region,
  }
}
