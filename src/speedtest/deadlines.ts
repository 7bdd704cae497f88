/**
 * How long each step of a region's work may take, and so how long the node that owns a
 * test waits for a region before it calls the row lost. One place for the arithmetic,
 * because the region service arms each pool call with it and the owner arms its
 * `measure` multicall with the sum: were they computed apart, a long but healthy test
 * (5 runs of a slow page with a repeat view and Lighthouse) could outlast a fixed
 * owner deadline and be cut off while its region was still measuring.
 *
 *   const limits = { queueTimeoutMs: 120_000, navTimeoutMs: 30_000, lateWindowMs: 5_000, lighthouseTimeoutMs: 60_000 }
 *   loadCallTimeoutMs(limits, { repeatView: false })   // → 170 000: the queue, one load and its late window, and room
 *   regionDeadlineMs(limits, { runs: 3, repeatView: true, lighthouse: true })
 *   // → 3 × 205 000 (each run waits in line again) + 195 000 (Lighthouse: the line, the audit) + 30 000
 *
 * Each pool call gets room beyond its parts (a boot, the row's trip back) so the
 * browser's own `timeout` error, which carries partial numbers, wins over the pool's
 * bare one; the owner's deadline gets room beyond the sum for the last row to arrive.
 */

export interface StepLimits {
  /** WPS_QUEUE_TIMEOUT_MS: the longest a call waits in the pool's line and the machine's budget. */
  queueTimeoutMs: number
  /** WPS_NAV_TIMEOUT_MS: one page load. */
  navTimeoutMs: number
  /** WPS_LATE_WINDOW_MS: how long a load is watched after `load`. */
  lateWindowMs: number
  /** WPS_LIGHTHOUSE_TIMEOUT_MS: one Lighthouse audit. */
  lighthouseTimeoutMs: number
}

/** What of a request decides how long its region works. */
export interface RequestShape {
  runs: number
  repeatView?: boolean
  lighthouse?: boolean
}

/** Beyond its parts, for a runner's boot and the answer's way back. */
const CALL_ROOM_MS = 15_000
/** Beyond the sum of a region's calls, for its last row to reach the owner. */
const OWNER_ROOM_MS = 30_000

/** One `timedNav` call: its wait in line, then one load (two with a repeat view, in the same call). */
export function loadCallTimeoutMs(
  limits: Omit<StepLimits, 'lighthouseTimeoutMs'>,
  request: Pick<RequestShape, 'repeatView'>,
): number {
  const views = request.repeatView ? 2 : 1
  return limits.queueTimeoutMs + (limits.navTimeoutMs + limits.lateWindowMs) * views + CALL_ROOM_MS
}

/** One `lighthouseAudit` call: a wait in line again, then the audit. */
export function lighthouseCallTimeoutMs(
  limits: Pick<StepLimits, 'queueTimeoutMs' | 'lighthouseTimeoutMs'>,
): number {
  return limits.queueTimeoutMs + limits.lighthouseTimeoutMs + CALL_ROOM_MS
}

/** How long the owner waits for a region's final row: every run one after another, then Lighthouse. */
export function regionDeadlineMs(limits: StepLimits, request: RequestShape): number {
  const runs = Math.max(1, Math.floor(request.runs))
  const audit = request.lighthouse ? lighthouseCallTimeoutMs(limits) : 0
  return runs * loadCallTimeoutMs(limits, request) + audit + OWNER_ROOM_MS
}
