/**
 * Waiting for a browser to fall quiet before the next page load. A fresh context's
 * renderer goes on starting up after the CDP calls that opened it have answered:
 * measured on a 2-core machine, about 0.3–0.5 CPU-seconds over the next 300–700 ms, more
 * than a small page's whole load costs. A load started in that time shares the cores
 * with it, and its `load` came out about 1.6× the isolated figure in a burst of tests.
 * So after a measurement's tidying up (used context closed, spare opened), the browser
 * is watched until it is quiet: the CPU time of all its processes (browser, GPU, network
 * service, every renderer), as Chromium itself reports it (`SystemInfo.getProcessInfo`,
 * 10 ms granularity), sampled every `sampleMs` until `quietSamples` samples in a row have
 * each grown by at most `maxBusyMs` — or `maxWaitMs` has passed, so a browser that never settles (a page of
 * another context still busy) cannot hold the next measurement back for ever.
 *
 *   const session = await browser.target().createCDPSession()
 *   const outcome = await untilQuiet(() => processCpu(session))
 *   // → { quiet: true, waitedMs: 262, busyMs: 350 }   (busyMs: CPU the browser used meanwhile)
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { CDPSession } from 'puppeteer-core'

export interface QuietRule {
  /** How often the browser's CPU time is read. */
  sampleMs: number
  /** At most this much CPU time (ms, all processes) within one sample counts as quiet. */
  maxBusyMs: number
  /** This many quiet samples in a row make the browser quiet (one can be a lull in a start-up). */
  quietSamples: number
  /** Give up waiting after this long (the outcome then says `quiet: false`). */
  maxWaitMs: number
}

// One 10 ms tick per 50 ms sample (20% of one core) is an idle browser answering our own
// reads; a renderer starting up shows several ticks in most samples, and pauses of a
// sample now and then (measured: one quiet sample left up to 140 ms of start-up after it).
export const QUIET: Readonly<QuietRule> = { sampleMs: 50, maxBusyMs: 10, quietSamples: 2, maxWaitMs: 3000 }

/** CPU time (ms) per process id. */
export type ProcessCpu = ReadonlyMap<number, number>

export interface QuietOutcome {
  /** False when `maxWaitMs` passed first, or the browser could not be read. */
  quiet: boolean
  waitedMs: number
  /** CPU time the browser's processes used while we waited (ms). */
  busyMs: number
}

/**
 * CPU time (ms) the processes used between two readings. A process that appeared
 * counts with all its time (it started in between); one that ended counts nothing.
 */
export function cpuGrowth(before: ProcessCpu, after: ProcessCpu): number {
  let grown = 0
  for (const [id, ms] of after) grown += Math.max(0, ms - (before.get(id) ?? 0))
  return grown
}

/** Every process of the browser with its CPU time so far, from a browser-level CDP session. */
export async function processCpu(session: CDPSession): Promise<ProcessCpu> {
  const { processInfo } = await session.send('SystemInfo.getProcessInfo')
  return new Map(processInfo.map((p) => [p.id, p.cpuTime * 1000]))
}

/** Resolves once the processes `read` reports are quiet by `rule`, or it gave up; never rejects. */
export async function untilQuiet(
  read: () => Promise<ProcessCpu>,
  rule: QuietRule = QUIET,
  signal?: AbortSignal,
): Promise<QuietOutcome> {
  const started = performance.now()
  const outcome = (quiet: boolean, busyMs: number): QuietOutcome => ({
    quiet,
    waitedMs: Math.round(performance.now() - started),
    busyMs: Math.round(busyMs),
  })
  let busyMs = 0
  let quietInARow = 0
  let before: ProcessCpu
  try {
    before = await read()
    for (;;) {
      if (signal?.aborted || performance.now() - started >= rule.maxWaitMs) return outcome(false, busyMs)
      await sleep(rule.sampleMs, undefined, signal ? { signal } : {}).catch(() => {})
      if (signal?.aborted) return outcome(false, busyMs)
      const after = await read()
      const grown = cpuGrowth(before, after)
      busyMs += grown
      quietInARow = grown <= rule.maxBusyMs ? quietInARow + 1 : 0
      if (quietInARow >= rule.quietSamples) return outcome(true, busyMs)
      before = after
    }
  } catch {
    // The browser went away or cannot say: nothing of it is left to wait for.
    return outcome(false, busyMs)
  }
}
