/**
 * What `pool.stats()` reports: the pool's shape right now, plus counters since it started.
 *
 * Plain data, so it survives `JSON.stringify` and can go straight into a health endpoint
 * or a log line.
 *
 *   pool.stats()
 *   // → { name: 'browser', runners: 2, ready: 2, draining: 0, booting: 0, busySlots: 1,
 *   //     freeSlots: 1, waiting: 0, boots: 2, bootFailures: 0, ..., runnerDetails: [...] }
 */

import type { Counters } from './counters.ts'
import type { Fleet } from './fleet.ts'
import type { PoolSettings } from './options.ts'
import type { RunnerState } from './runner.ts'

export interface RunnerStats {
  id: string
  state: RunnerState
  busy: number
  uses: number
  bootMs: number
  pid: number | null
}

export interface PoolStats extends Counters {
  name: string
  min: number
  max: number
  maxConcurrency: number
  /** Live runners: ready + draining. */
  runners: number
  ready: number
  draining: number
  booting: number
  /** Calls running on runners (including ones whose caller gave up but whose task has not ended). */
  busySlots: number
  /** Free slots on ready runners. */
  freeSlots: number
  waiting: number
  runnerDetails: RunnerStats[]
}

export function snapshot(
  settings: PoolSettings,
  fleet: Fleet,
  waiting: number,
  counters: Counters,
): PoolStats {
  const live = [...fleet.live.values()].map((s) => s.runner)
  const ready = live.filter((r) => r.state === 'ready')
  const perRunner = settings.perRunner
  return {
    name: settings.name,
    min: settings.min,
    max: settings.max,
    maxConcurrency: settings.maxConcurrency,
    runners: live.length,
    ready: ready.length,
    draining: live.filter((r) => r.state === 'draining').length,
    booting: fleet.booting.size,
    busySlots: live.reduce((n, r) => n + r.busy, 0),
    freeSlots: ready.reduce((n, r) => n + (fleet.canTake(r) ? perRunner - r.busy : 0), 0),
    waiting,
    ...counters,
    runnerDetails: live.map((r) => ({
      id: r.id,
      state: r.state,
      busy: r.busy,
      uses: r.uses,
      bootMs: Math.round(r.bootMs),
      pid: r.pid ?? null,
    })),
  }
}
