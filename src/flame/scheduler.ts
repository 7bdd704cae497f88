/**
 * Scheduling: the pool's waiting line, which runner takes each call, and each call's
 * deadline.
 *
 * A call joins a FIFO queue. Whenever anything changes (a call arrives, a runner becomes
 * ready or frees a slot), `dispatch` hands the head of the line to the least-loaded
 * runner that can take it (oldest first on ties), until none can; growing the pool for
 * the rest is not its job.
 *
 * Deadlines. With the caller's `timeout`, that is the whole budget, wait included.
 * Without it, a call may wait `bootTimeout` for a runner, then run for the pool's
 * `timeout` (FLAME's rule). At the deadline the caller is rejected at once and the
 * task's signal aborts on the runner. The slot stays taken until the runner says the
 * task ended; a task that ignores its signal for `abortGrace` gets its runner retired,
 * since JavaScript cannot kill one function.
 *
 *   scheduler.enqueue('thumbnail', { url }, { timeout: 45_000 }, resolve, reject)
 *   scheduler.dispatch()   // places what free runners can take
 *   scheduler.waiting      // → calls still in line: the demand growth looks at
 *   scheduler.reportPositions()   // → onQueued(2) for a call with two calls before it
 */

import {
  abortError,
  type CallOptions,
  lostError,
  type PendingCall,
  type Placement,
  replyError,
  runTimeout,
  settle,
  waitTimeout,
} from './call.ts'
import type { Counters } from './counters.ts'
import type { FlameError } from './errors.ts'
import type { Fleet, Slot } from './fleet.ts'
import type { PoolSettings } from './options.ts'
import { Queue } from './queue.ts'
import type { CallSink, Runner } from './runner.ts'

export class Scheduler {
  private readonly queue = new Queue<PendingCall>()
  private callSeq = 0

  constructor(
    private readonly settings: PoolSettings,
    private readonly fleet: Fleet,
    private readonly counters: Counters,
    /** The pool is shutting down. */
    private readonly stop: AbortSignal,
    private readonly hooks: {
      /** A slot freed or a runner was retired: place calls, boot replacements. */
      changed(): void
      /** Named in the error of a caller that waited in vain. */
      lastBootError(): FlameError | undefined
    },
  ) {}

  get waiting(): number {
    return this.queue.size
  }

  /** Put a call in line, with its wait deadline and its caller's abort signal armed. */
  enqueue(
    task: string,
    input: unknown,
    opts: CallOptions<unknown>,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ): void {
    const startedAt = performance.now()
    const budget = opts.timeout
    const wait = budget ?? this.settings.bootTimeout
    const call: PendingCall = {
      id: ++this.callSeq,
      task,
      input,
      opts,
      startedAt,
      budget,
      deadline: startedAt + wait,
      queueKey: undefined,
      position: 0,
      runner: undefined,
      timer: undefined,
      graceTimer: undefined,
      settled: false,
      ended: false,
      resolve,
      reject,
      onAbort: undefined,
    }
    this.counters.calls++
    if (Number.isFinite(wait)) call.timer = setTimeout(() => this.expire(call), Math.max(0, wait))
    const { signal } = opts
    if (signal) {
      call.onAbort = () => this.abort(call, abortError(signal))
      signal.addEventListener('abort', call.onAbort, { once: true })
    }
    call.queueKey = this.queue.push(call)
  }

  /** Hand waiting calls to free runners, head of the line first. */
  dispatch(): void {
    while (this.queue.size > 0) {
      const slot = this.pick()
      if (!slot) return
      const call = this.queue.shift()!
      call.queueKey = undefined
      this.place(call, slot)
    }
  }

  /**
   * Tell each waiting call where it stands (`onQueued`), once the pool has placed what it
   * could and booted what it may. The head of the line is served first by the runners
   * booting or still allowed under `max`; the calls after those wait behind busy runners,
   * and their position is their place among them, 1-based.
   */
  reportPositions(): void {
    const { max, perRunner } = this.settings
    const fromBoots = (Math.max(0, max - this.fleet.count) + this.fleet.booting.size) * perRunner
    let index = 0
    for (const call of this.queue.values()) {
      const position = index < fromBoots ? 0 : index - fromBoots + 1
      index++
      if (position === call.position) continue
      call.position = position
      this.settings.safely('onQueued', () => call.opts.onQueued?.(position))
    }
  }

  /** Reject everything still in line (the pool is shutting down). */
  rejectWaiting(error: FlameError): void {
    for (const call of this.queue.drain()) {
      call.queueKey = undefined
      this.settle(call, error)
    }
  }

  /** The least-loaded runner that can take a call (oldest first on ties). */
  private pick(): Slot | undefined {
    let best: Slot | undefined
    for (const slot of this.fleet.live.values()) {
      if (slot.retired || !this.fleet.canTake(slot.runner)) continue
      if (!best || slot.runner.busy < best.runner.busy) best = slot
    }
    return best
  }

  private place(call: PendingCall, slot: Slot): void {
    const runner = slot.runner
    this.fleet.clearIdle(slot)
    clearTimeout(call.timer)
    const t = performance.now()
    // what is left of the caller's budget, or the pool's run time when the caller set none
    const runFor = call.budget !== undefined ? Math.max(1, call.deadline - t) : this.settings.timeout
    call.deadline = t + runFor
    call.runner = runner
    try {
      runner.run(call.id, call.task, call.input, runFor, this.sinkFor(call, runner))
    } catch (err) {
      call.runner = undefined
      call.ended = true
      this.settle(call, err)
      if (runner.busy === 0) this.fleet.markIdle(slot)
      return
    }
    if (Number.isFinite(runFor)) call.timer = setTimeout(() => this.expire(call), runFor)
    const placement: Placement = {
      runnerId: runner.id,
      // `run` counted this call in `uses`: the calls before it are uses - 1
      cold: runner.readyAt > call.startedAt && runner.uses - 1 < this.settings.perRunner,
      bootMs: Math.round(runner.bootMs),
    }
    this.settings.safely('onPlaced', () => call.opts.onPlaced?.(placement))
  }

  private sinkFor(call: PendingCall, runner: Runner): CallSink {
    return {
      message: (data) => {
        // a caller that gave up hears nothing more, even if the task keeps talking
        if (!call.settled) this.settings.safely('onMessage', () => call.opts.onMessage?.(data))
      },
      ok: (value) => {
        this.ended(call, runner)
        if (!call.settled) this.counters.succeeded++
        this.settle(call, undefined, value)
      },
      err: (code, error) => {
        this.ended(call, runner)
        this.settle(call, replyError(call, runner, code, error, this.stop.aborted))
      },
      lost: (reason) => {
        this.ended(call, runner)
        this.settle(call, lostError(call, runner, reason))
      },
    }
  }

  /** The task ended on the runner: its slot is free. */
  private ended(call: PendingCall, runner: Runner): void {
    call.ended = true
    clearTimeout(call.graceTimer)
    const slot = this.fleet.live.get(runner.id)
    if (!slot || runner.state === 'exited') return
    if (this.settings.singleUse && !slot.retired) this.fleet.retire(slot, 'single use')
    else if (runner.busy === 0) this.fleet.markIdle(slot)
    this.hooks.changed()
  }

  /** The caller's deadline passed. */
  private expire(call: PendingCall): void {
    if (call.settled) return
    this.counters.timeouts++
    if (call.queueKey !== undefined) {
      this.queue.delete(call.queueKey)
      call.queueKey = undefined
      this.settle(call, waitTimeout(call, this.hooks.lastBootError()))
      this.reportPositions()
      return
    }
    const runner = call.runner!
    this.settle(call, runTimeout(call, runner))
    this.cancelRemote(call, runner, 'timeout')
  }

  /** The caller's signal fired. */
  private abort(call: PendingCall, error: FlameError): void {
    if (call.settled) return
    if (call.queueKey !== undefined) {
      this.queue.delete(call.queueKey)
      call.queueKey = undefined
      this.settle(call, error)
      this.reportPositions()
      return
    }
    this.settle(call, error)
    if (call.runner && !call.ended) this.cancelRemote(call, call.runner, 'aborted')
  }

  private cancelRemote(call: PendingCall, runner: Runner, reason: 'timeout' | 'aborted'): void {
    if (call.ended) return
    runner.cancel(call.id, reason)
    const { abortGrace } = this.settings
    call.graceTimer = setTimeout(() => {
      const slot = this.fleet.live.get(runner.id)
      if (call.ended || !slot || slot.retired) return
      this.settings.log(
        `task "${call.task}" on ${runner.id} ignored its abort for ${abortGrace} ms; retiring the runner`,
      )
      this.fleet.retire(slot, 'stuck task')
      this.hooks.changed()
    }, abortGrace)
    call.graceTimer.unref()
  }

  private settle(call: PendingCall, error: unknown, value?: unknown): void {
    if (settle(call, error, value) && error) this.counters.failed++
  }
}
