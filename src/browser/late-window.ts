/**
 * The late window: how long a page is still watched after its first numbers, so that
 * layout shifts, long tasks and LCP candidates that come after `load` are counted.
 * It is WebPageTest's activity rule: the window ends once the network and the main
 * thread have both been quiet for `quietMs` (2 s), and no later than `windowMs` after
 * `load` (WPS_LATE_WINDOW_MS, default 5000).
 *
 *   await observeLateWindow(slot, loadAt, { windowMs: 5000 }, signal)
 *   // load+100/400/700 ms long tasks, a hero at load+1.5 s: ends ≈ 2 s after the hero arrived
 *
 * The network is quiet when no request is in flight (NetworkLog.quietFor). The main
 * thread is busy when a long task ended (the collector pushes its snapshot after each,
 * page-script.ts) or when the page takes longer than 250 ms to answer a trivial
 * evaluation (a long task running now, which has not been reported yet).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Slot } from './slot.ts'

export interface LateWindow {
  /** The latest end of the window, in ms after `load`. */
  windowMs: number
  /** Network and main thread quiet for this long end the window. */
  quietMs: number
}

/** WebPageTest's activity window. */
export const LATE_QUIET_MS = 2000
export const DEFAULT_LATE_WINDOW_MS = 5000
const TICK_MS = 100
/**
 * A page that does not answer a trivial evaluation this fast is running a long task
 * that has not been reported yet. Shorter tasks come in through their long-task entries;
 * a tighter figure would let a busy machine's slow answers pass for a busy page.
 */
const BUSY_AFTER_MS = 250

/** Resolves (with undefined) when the late window is over, or at once when `signal` aborts. */
export async function observeLateWindow(
  slot: Slot,
  loadAt: number,
  rule: Partial<LateWindow> & { windowMs: number },
  signal: AbortSignal,
): Promise<undefined> {
  const quietMs = rule.quietMs ?? LATE_QUIET_MS
  const end = loadAt + rule.windowMs
  let busyAt = loadAt
  let longTasks = slot.snapshot()?.longTasks.length ?? 0
  let pinging: Promise<unknown> | undefined
  for (;;) {
    const now = performance.now()
    if (now >= end || signal.aborted) return undefined
    const seen = slot.snapshot()?.longTasks.length ?? 0
    if (seen > longTasks) busyAt = now
    longTasks = seen
    if (slot.log.quietFor(now) >= quietMs && now - busyAt >= quietMs) return undefined

    if (pinging)
      busyAt = now // the last question is still unanswered: the main thread is busy
    else {
      const asked = slot.session.send('Runtime.evaluate', { expression: '0' }).catch(() => {})
      const answered = await Promise.race([
        asked.then(() => true),
        sleep(BUSY_AFTER_MS, false, { ref: false }),
      ])
      if (!answered) {
        busyAt = performance.now()
        pinging = asked.finally(() => {
          pinging = undefined
        })
      }
    }
    const wait = Math.min(TICK_MS, end - performance.now())
    await sleep(Math.max(1, wait), undefined, { signal }).catch(() => {})
  }
}
