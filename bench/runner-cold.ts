/**
 * Cold starts and hot calls of runners, measured the same way for every backend (the
 * process backend, runner machines through the fake Fly API, runner pods through the
 * fake Kubernetes API): a fresh pool per run, so each call boots a runner from nothing.
 *
 *   const runs = await coldRuns(() => new Pool({ name: 'cold', backend, max: 1, log: false }), 5)
 *   coldHeader(); coldLine('process (child + IPC)', runs)    // { readyMs: 180.2, runningMs: 182.9 }
 *   hotLine('process runner over IPC', await hotCallTimes(backend, 500))   // { p50Ms: 0.4, p99Ms: 1.1 }
 *
 * A run records, from the call: `created` (the API answered the create, when there is an
 * API), `ready` (the runner said ready and the call was placed on it), `running` (the task's
 * first message: it runs) and `done` (the call returned). The default task is flame's
 * empty `sleep`; `wpsRunnerCall` runs a real measurement on a real `wps runner` instead.
 * `coldLine` and `hotLine` return the figures they print, for the section to return.
 */
import type { CallOptions, Pool } from '@world-page-speed/flame'
import { sleep } from '@world-page-speed/flame/testing'
import { timedNav } from '../src/speedtest/timed-nav.ts'
import { fmt, median, percentile } from './support.ts'

export interface ColdRun {
  created: number
  ready: number
  running: number
  done: number
}

type Hooks = Pick<CallOptions, 'onPlaced' | 'onMessage'>
export type ColdCall = (pool: Pool, hooks: Hooks) => Promise<unknown>

/** flame's empty task: the runner's own cold start, nothing of the app's. */
export const emptyCall: ColdCall = (pool, hooks) => pool.call(sleep, { ms: 0 }, hooks)

/** A real measurement of `url` (the task `wps runner` serves): cold start through to a page loaded. */
export function wpsRunnerCall(url: string): ColdCall {
  return (pool, hooks) =>
    pool.call(
      timedNav,
      { url, timeoutMs: 30_000, machineSlots: 0, egress: { allowPrivate: true, latencyMs: 0 } },
      hooks,
    )
}

export interface ColdOptions {
  /** When the API answered the last create (`performance.now()`), for backends with an API. */
  createdAt?: () => number | undefined
  /** Pause between runs (Fly allows about one create a second). */
  pauseMs?: number
  call?: ColdCall
}

export async function coldRuns(
  makePool: () => Pool,
  runs: number,
  options: ColdOptions = {},
): Promise<ColdRun[]> {
  const call = options.call ?? emptyCall
  const out: ColdRun[] = []
  for (let i = 0; i < runs; i++) {
    const pool = makePool()
    try {
      const t0 = performance.now()
      let ready = Number.NaN
      let running = Number.NaN
      await call(pool, {
        onPlaced: () => {
          ready = performance.now() - t0
        },
        onMessage: () => {
          if (Number.isNaN(running)) running = performance.now() - t0
        },
      })
      const done = performance.now() - t0
      const created = options.createdAt?.()
      out.push({ created: created === undefined ? Number.NaN : created - t0, ready, running, done })
    } finally {
      await pool.shutdown()
    }
    if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs))
  }
  return out
}

const NAME = 36
const cell = (ms: number) => (Number.isNaN(ms) ? '—' : fmt(ms)).padStart(10)

export function coldHeader(last = 'running'): void {
  console.log(`${''.padEnd(NAME)} ${'created'.padStart(10)} ${'ready'.padStart(10)} ${last.padStart(10)}`)
}

/**
 * A row's medians, named after its columns: `runningMs` (the task's first message) or, for
 * `last: 'done'`, `loadedMs` (the call's end). `createdMs` only for a backend with an API:
 * the process backend has no create request, and its "—" is no figure.
 */
export type ColdFigures = { createdMs?: number; readyMs: number } & (
  | { runningMs: number }
  | { loadedMs: number }
)

/** One row of medians; `last` picks the third figure (the task's first message, or the call's end). */
export function coldLine(name: string, runs: ColdRun[], last: 'running' | 'done' = 'running'): ColdFigures {
  const m = (pick: (r: ColdRun) => number) => median(runs.map(pick))
  const created = m((r) => r.created)
  const ready = m((r) => r.ready)
  const third = m((r) => r[last])
  console.log(`${name.padEnd(NAME)} ${cell(created)} ${cell(ready)} ${cell(third)}`)
  return {
    ...(!Number.isNaN(created) && { createdMs: created }),
    readyMs: ready,
    ...(last === 'done' ? { loadedMs: third } : { runningMs: third }),
  }
}

export const medianOf = (runs: ColdRun[], pick: (r: ColdRun) => number): number => median(runs.map(pick))

export function hotLine(
  name: string,
  times: number[],
  targetP99Ms?: number,
): { p50Ms: number; p99Ms: number } {
  const p50 = percentile(times, 50)
  const p99 = percentile(times, 99)
  const verdict =
    targetP99Ms === undefined
      ? ''
      : ` (target p99 ≤ ${targetP99Ms} ms: ${p99 <= targetP99Ms ? 'met' : 'MISSED'})`
  console.log(`${name.padEnd(NAME)} p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${verdict}`)
  return { p50Ms: p50, p99Ms: p99 }
}

/** `figure ms (target ≤ N ms: met|MISSED)` */
export function versus(ms: number, targetMs: number): string {
  return `${fmt(ms)} (target ≤ ${targetMs} ms: ${ms <= targetMs ? 'met' : 'MISSED'})`
}
