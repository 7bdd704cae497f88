/**
 * A Pool runs tasks on an elastic set of runners — FLAME's `FLAME.Pool`.
 *
 * It boots `min` runners at start, grows toward `max` when callers are waiting, and lets
 * runners idle away after `idleShutdownAfter` of no work (down to `min`; scale to zero
 * with `min: 0`). Each runner takes up to `maxConcurrency` calls at once.
 *
 *   const pool = new Pool({ name: 'browser', backend, max: 4, maxConcurrency: 1, idleShutdownAfter: 30_000 })
 *   const result = await pool.call(measure, { url }, {
 *     timeout: 45_000,
 *     onPlaced: ({ runnerId, cold, bootMs }) => console.log(cold ? `booted ${runnerId} in ${bootMs} ms` : 'warm'),
 *     onMessage: (m) => console.log(m),    // what the task ctx.send()s, in order
 *   })
 *   pool.stats()          // { runners: 1, booting: 0, busySlots: 0, waiting: 0, boots: 1, ... }
 *   await pool.shutdown()
 *
 * This file is the front door; the work is done by four parts that share one set of
 * settings and counters:
 * - `scheduler.ts`: the waiting line, least-loaded placement, deadlines and cancellation;
 * - `growth.ts`: when to boot, and boot retries with backoff;
 * - `fleet.ts`: the runners held, idle shutdown, retirement, deaths;
 * - `stats.ts`: the snapshot `stats()` returns.
 * After anything changes, `reconcile` runs: place what can be placed, then boot for the rest.
 *
 * Failures. A task that throws rejects with `remote_error` (remote message + stack). A
 * runner that dies rejects each call on it with `runner_lost`, is removed, and is
 * replaced when demand (or `min`) calls for it.
 */

import { abortError, type CallOptions } from './call.ts'
import { type Counters, newCounters } from './counters.ts'
import { FlameError } from './errors.ts'
import { Fleet } from './fleet.ts'
import { Growth } from './growth.ts'
import { type PoolOptions, type PoolSettings, resolveOptions } from './options.ts'
import { Scheduler } from './scheduler.ts'
import { type PoolStats, snapshot } from './stats.ts'
import type { Task } from './task.ts'

export type { CallOptions, Placement } from './call.ts'
export type { PoolOptions } from './options.ts'
export type { PoolStats, RunnerStats } from './stats.ts'

export class Pool {
  readonly name: string
  private readonly settings: PoolSettings
  private readonly counters: Counters = newCounters()
  private readonly stopController = new AbortController()
  private readonly fleet: Fleet
  private readonly growth: Growth
  private readonly scheduler: Scheduler
  private stopping: Promise<void> | undefined

  constructor(options: PoolOptions) {
    this.settings = resolveOptions(options)
    this.name = this.settings.name
    const stop = this.stopController.signal
    const changed = (): void => this.reconcile()
    this.fleet = new Fleet(this.settings, this.counters, stop, changed)
    this.scheduler = new Scheduler(this.settings, this.fleet, this.counters, stop, {
      changed,
      lastBootError: () => this.growth.lastBootError,
    })
    this.growth = new Growth(this.settings, this.fleet, this.counters, stop, {
      waiting: () => this.scheduler.waiting,
      changed,
    })
    this.reconcile()
  }

  /** Resolves once `min` runners are ready. Rejects if a min boot fails (the pool keeps retrying) or on shutdown. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new FlameError('shutdown', `pool ${this.name} is shut down`))
    return this.growth.whenReady()
  }

  /** Run `task` on a runner and return its result. See CallOptions for deadlines and streaming. */
  call<I, O, M>(task: Task<I, O, M>, input: I, options: CallOptions<M> = {}): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.closed) return reject(new FlameError('shutdown', `pool ${this.name} is shut down`))
      if (options.signal?.aborted) return reject(abortError(options.signal))
      // the scheduler handles calls of every task type; the task's types end here
      const opts = options as CallOptions<unknown>
      this.scheduler.enqueue(task.name, input, opts, resolve as (value: unknown) => void, reject)
      this.reconcile()
    })
  }

  /** Fire and forget. Failures are logged, never thrown. */
  cast<I, O, M>(task: Task<I, O, M>, input: I, options: CallOptions<M> = {}): void {
    this.call(task, input, options).catch((err: unknown) => {
      this.settings.log(`cast of "${task.name}" failed: ${err instanceof Error ? err.message : err}`)
    })
  }

  /** A snapshot of the pool, as plain data. */
  stats(): PoolStats {
    return snapshot(this.settings, this.fleet, this.scheduler.waiting, this.counters)
  }

  /**
   * Stop everything: waiting calls reject with `shutdown`, running calls get `shutdownTimeout`
   * to finish, every runner disposes its resources and exits. Resolves when all have exited.
   */
  shutdown(): Promise<void> {
    if (this.stopping) return this.stopping
    this.stopController.abort() // cancels boots in flight
    this.growth.stopRetrying()
    const error = new FlameError('shutdown', `pool ${this.name} is shutting down`)
    this.scheduler.rejectWaiting(error)
    this.growth.rejectReadyWaiters(error)
    for (const slot of this.fleet.live.values()) this.fleet.retire(slot, 'shutdown')
    this.stopping = (async () => {
      await this.growth.settled()
      // runners whose boot finished during shutdown were admitted and retired; wait for them too
      await Promise.all([...this.fleet.live.values()].map((s) => s.runner.exited))
      // machines whose destroy is still being retried
      await this.settings.backend.drain?.()
    })()
    return this.stopping
  }

  private get closed(): boolean {
    return this.stopController.signal.aborted
  }

  /** Hand waiting calls to free runners, boot what demand (or min) still needs, then tell the rest where they stand. */
  private reconcile(): void {
    if (this.closed) return
    this.scheduler.dispatch()
    this.growth.grow()
    this.scheduler.reportPositions()
  }
}
