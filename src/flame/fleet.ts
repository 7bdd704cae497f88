/**
 * The runners a pool holds, and how they leave it: idle shutdown, retirement, death.
 *
 * A booting runner is only counted (it takes up room under `max`). Once ready it gets a
 * slot with an idle clock. A ready runner with no calls for `idleShutdownAfter` is
 * retired if more than `min` are ready; the last `min` go only after
 * `minIdleShutdownAfter`, which also lowers the `floor` the pool rebuilds to. A retired
 * runner takes no new calls but stays counted until it has exited, so the pool never
 * boots past `max` while old runners finish. An exit the pool did not ask for is a
 * death, logged as `lost`.
 *
 *   fleet.track(runner)                 // booting; its exit will be noticed
 *   const slot = fleet.admit(runner)    // ready
 *   fleet.markIdle(slot)                // no calls: idle clock starts
 *   fleet.retire(slot, 'stuck task')    // on exit → "shrink 2→1 (stuck task)"
 */

import { describeExit, type RunnerExit } from './backend.ts'
import type { Counters } from './counters.ts'
import type { PoolSettings } from './options.ts'
import type { Runner } from './runner.ts'

export interface Slot {
  runner: Runner
  idleSince: number
  idleTimer: NodeJS.Timeout | undefined
  /** Why the pool asked it to stop; undefined while it is wanted. */
  retired: string | undefined
}

export class Fleet {
  /** Ready and draining runners, oldest first. */
  readonly live = new Map<string, Slot>()
  readonly booting = new Map<string, Runner>()
  /** How many runners the pool keeps alive on its own (min, lowered only by min-idle shutdowns). */
  floor: number

  constructor(
    private readonly settings: PoolSettings,
    private readonly counters: Counters,
    /** The pool is shutting down: idle clocks stop mattering. */
    private readonly stop: AbortSignal,
    /** A runner left: the pool may place calls elsewhere or boot a replacement. */
    private readonly changed: () => void,
  ) {
    this.floor = settings.min
  }

  /** Live and booting runners: what counts against `max`. */
  get count(): number {
    return this.live.size + this.booting.size
  }

  /** Ready runners the pool still wants. */
  readyCount(): number {
    let n = 0
    for (const slot of this.live.values()) if (slot.runner.state === 'ready' && !slot.retired) n++
    return n
  }

  canTake(r: Runner): boolean {
    const { maxConcurrency, singleUse } = this.settings
    return r.state === 'ready' && r.busy < maxConcurrency && !(singleUse && r.uses > 0)
  }

  track(runner: Runner): void {
    runner.onExit = (exit) => this.exited(runner, exit)
    this.booting.set(runner.id, runner)
  }

  /** The runner is ready: give it a slot (its idle clock starts with `markIdle`). */
  admit(runner: Runner): Slot {
    const slot: Slot = { runner, idleSince: performance.now(), idleTimer: undefined, retired: undefined }
    this.live.set(runner.id, slot)
    return slot
  }

  /** The runner has no calls: start its idle clock. */
  markIdle(slot: Slot): void {
    slot.idleSince = performance.now()
    this.armIdle(slot, this.settings.idleShutdownAfter)
  }

  clearIdle(slot: Slot): void {
    clearTimeout(slot.idleTimer)
    slot.idleTimer = undefined
  }

  /** Ask a runner to stop; it is forgotten when it exits. */
  retire(slot: Slot, reason: string): void {
    if (slot.retired) return
    slot.retired = reason
    this.clearIdle(slot)
    slot.runner.shutdown(reason, this.settings.shutdownTimeout)
  }

  private armIdle(slot: Slot, after: number): void {
    this.clearIdle(slot)
    if (!Number.isFinite(after)) return
    slot.idleTimer = setTimeout(() => this.idleCheck(slot), Math.max(0, after))
    slot.idleTimer.unref()
  }

  private idleCheck(slot: Slot): void {
    slot.idleTimer = undefined
    const runner = slot.runner
    const { min, idleShutdownAfter, minIdleShutdownAfter } = this.settings
    if (this.stop.aborted || slot.retired || runner.state !== 'ready' || runner.busy > 0) return
    const idleFor = performance.now() - slot.idleSince
    // 1 ms of slack: a timer can fire a fraction of a ms early by performance.now()'s clock
    if (this.readyCount() > min && idleFor >= idleShutdownAfter - 1) {
      this.counters.idleShutdowns++
      this.retire(slot, 'idle')
      return
    }
    if (idleFor >= minIdleShutdownAfter - 1) {
      this.counters.idleShutdowns++
      this.floor = Math.min(this.floor, this.live.size - 1)
      this.retire(slot, 'idle')
      return
    }
    // Kept because of `min`; look again later, in case more runners come and this one becomes spare.
    this.armIdle(slot, Math.min(idleShutdownAfter, minIdleShutdownAfter - idleFor))
  }

  private exited(runner: Runner, exit: RunnerExit): void {
    const slot = this.live.get(runner.id)
    if (!slot) return // died while booting: the boot's failure handles it
    this.clearIdle(slot)
    const from = this.live.size
    this.live.delete(runner.id)
    let reason: string
    if (slot.retired) {
      reason = slot.retired
    } else {
      this.counters.runnerDeaths++
      reason = `${runner.id} lost: ${describeExit(exit)}`
    }
    const { name, hooks } = this.settings
    this.settings.log(`shrink ${from}→${this.live.size} (${reason})`)
    this.settings.safely('onShrink', () =>
      hooks.onShrink?.({ name, count: this.live.size, runnerId: runner.id, reason }),
    )
    this.changed()
  }
}
