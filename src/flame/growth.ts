/**
 * Growth: when the pool boots a runner, and what it does when a boot fails.
 *
 * The pool keeps `floor` runners (its `min`) on its own, and boots one more whenever the
 * waiting calls outnumber what the runners already booting will absorb, as long as live
 * + booting runners are fewer than `max`. A failed boot is retried while that need
 * remains, backing off from 100 ms, doubling, to 5 s, so a broken backend is not hammered;
 * a boot that succeeds resets the backoff. `whenReady()` callers hear of the first boot
 * to succeed once `min` runners are ready, or of the first failure.
 *
 *   growth.grow()            // boot what floor and waiting calls need (nothing while a retry is pending)
 *   growth.lastBootError     // named by callers that time out waiting
 *   await growth.settled()   // every boot in flight has ended (shutdown waits for this)
 */

import type { Counters } from './counters.ts'
import { FlameError } from './errors.ts'
import type { Fleet } from './fleet.ts'
import type { PoolSettings } from './options.ts'
import { Runner } from './runner.ts'

export class Growth {
  lastBootError: FlameError | undefined
  private seq = 0
  private retryTimer: NodeJS.Timeout | undefined
  private consecutiveFailures = 0
  private readonly inFlight = new Set<Promise<void>>()
  private readyWaiters: { resolve(): void; reject(err: unknown): void }[] = []

  constructor(
    private readonly settings: PoolSettings,
    private readonly fleet: Fleet,
    private readonly counters: Counters,
    /** Aborts every boot in flight when the pool shuts down. */
    private readonly stop: AbortSignal,
    private readonly hooks: {
      /** Calls waiting for a runner: the demand. */
      waiting(): number
      /** A runner became ready (or a retry is due): place calls, boot more if needed. */
      changed(): void
    },
  ) {}

  /** Boot what the floor and the waiting calls still need. */
  grow(): void {
    // a failed boot is retried only when its backoff ends; booting now would skip the backoff
    if (this.retryTimer) return
    while (this.fleet.count < this.fleet.floor) this.boot(false)
    while (this.unmetDemand()) this.boot(true)
  }

  /** Resolves once `min` runners are ready; rejects with the next boot failure. */
  whenReady(): Promise<void> {
    if (this.fleet.readyCount() >= this.settings.min) return Promise.resolve()
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }))
  }

  /** No more retries: the pool is shutting down. */
  stopRetrying(): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }

  rejectReadyWaiters(error: FlameError): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(error)
  }

  /** Resolves when every boot in flight has ended, whichever way. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight])
  }

  private unmetDemand(): boolean {
    const { fleet } = this
    return (
      fleet.count < this.settings.max && this.hooks.waiting() > fleet.booting.size * this.settings.perRunner
    )
  }

  /** `demand`: booted for waiting calls (reported to `onGrowStart`), not to keep the floor. */
  private boot(demand: boolean): void {
    const { name, backend, bootTimeout, hooks } = this.settings
    const id = `${name}-${++this.seq}`
    const runner = new Runner(id, backend, {
      pool: name,
      bootTimeout,
      heartbeatMs: this.settings.heartbeatInterval,
      parentTimeoutMs: this.settings.parentTimeout,
      failsafeMs: this.settings.failsafeTimeout,
      log: this.settings.log,
    })
    this.fleet.track(runner)
    if (demand) {
      const count = this.fleet.count
      this.settings.safely('onGrowStart', () => hooks.onGrowStart?.({ name, count, runnerId: id }))
    }
    const t0 = performance.now()
    const done = runner.boot(this.stop).then(
      () => this.booted(runner),
      (err: FlameError) => this.bootFailed(runner, err, performance.now() - t0),
    )
    this.inFlight.add(done)
    void done.finally(() => this.inFlight.delete(done))
  }

  private booted(runner: Runner): void {
    const { fleet, settings } = this
    fleet.booting.delete(runner.id)
    if (runner.state === 'exited') {
      this.bootFailed(runner, new FlameError('boot_failed', `runner ${runner.id} exited right after boot`), 0)
      return
    }
    const from = fleet.live.size
    const slot = fleet.admit(runner)
    if (this.stop.aborted) {
      fleet.retire(slot, 'shutdown')
      return
    }
    this.counters.boots++
    this.consecutiveFailures = 0
    this.lastBootError = undefined
    // a min-idle shutdown lowered the floor; runners booted since raise it back toward min
    fleet.floor = Math.min(settings.min, Math.max(fleet.floor, fleet.live.size))
    const bootMs = Math.round(runner.bootMs)
    const count = fleet.live.size
    settings.log(`grow ${from}→${count} (boot ${bootMs} ms, ${runner.id})`)
    settings.safely('onGrowEnd', () =>
      settings.hooks.onGrowEnd?.({ name: settings.name, count, runnerId: runner.id, ok: true, bootMs }),
    )
    if (fleet.readyCount() >= settings.min) for (const w of this.readyWaiters.splice(0)) w.resolve()
    fleet.markIdle(slot)
    this.hooks.changed()
  }

  private bootFailed(runner: Runner, error: FlameError, ms: number): void {
    const { fleet, settings } = this
    fleet.booting.delete(runner.id)
    if (this.stop.aborted) return
    this.counters.bootFailures++
    this.consecutiveFailures++
    this.lastBootError = error
    const count = fleet.count
    const bootMs = Math.round(ms)
    settings.safely('onGrowEnd', () =>
      settings.hooks.onGrowEnd?.({
        name: settings.name,
        count,
        runnerId: runner.id,
        ok: false,
        bootMs,
        error,
      }),
    )
    this.rejectReadyWaiters(error)
    const wanted = fleet.count < fleet.floor || this.unmetDemand()
    const failed = `boot of ${runner.id} failed after ${bootMs} ms: ${error.message}`
    if (wanted && !this.retryTimer) {
      const delay = Math.min(5_000, 100 * 2 ** (this.consecutiveFailures - 1))
      settings.log(`${failed}; retrying in ${delay} ms`)
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        this.hooks.changed()
      }, delay)
    } else {
      settings.log(failed)
    }
  }
}
