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
 * Scheduling. A call joins a FIFO queue; the least-loaded ready runner below
 * `maxConcurrency` takes the head of the queue. When the queue holds more calls than the
 * runners already booting will absorb, and live + booting runners are fewer than `max`,
 * the pool boots another. A failed boot is retried, with a backoff from 100 ms doubling
 * to 5 s, for as long as demand remains.
 *
 * Deadlines. With `timeout`, that is the call's whole budget, wait included. Without it,
 * a call may wait up to `bootTimeout` for a runner and then run for the pool's `timeout`
 * (FLAME's rule). When the deadline passes the caller gets a `timeout` error at once and
 * the task's signal aborts on the runner. The slot stays taken until the task really
 * ends; a task that ignores its signal for `abortGrace` gets its runner retired
 * (drained and replaced), since JavaScript cannot kill one function.
 *
 * Failures. A task that throws rejects with `remote_error` (remote message + stack). A
 * runner that dies rejects each call on it with `runner_lost`, is removed, and is
 * replaced when demand (or `min`) calls for it.
 */

import { type Backend, describeExit, type RunnerExit } from './backend.ts'
import { FlameError, type RemoteErrorInfo } from './errors.ts'
import { Parent } from './parent.ts'
import type { ErrCode } from './protocol.ts'
import { Queue } from './queue.ts'
import { type CallSink, Runner, type RunnerState } from './runner.ts'
import type { Task } from './task.ts'

export interface PoolOptions {
  /** Names the pool in logs and runner ids (`browser-3`). */
  name: string
  backend: Backend
  /** Runners kept at all times (booted at start). Default 0. Forced to 0 inside a runner. */
  min?: number
  /** Most runners alive at once, booting included. */
  max: number
  /** Calls one runner takes at once. Default 100 (FLAME's default). */
  maxConcurrency?: number
  /** Run-time budget of a call without its own `timeout`. Default 30 s. */
  timeout?: number
  /** How long a runner may take to become ready; also how long a call without `timeout` waits for one. Default 30 s. */
  bootTimeout?: number
  /** Time a runner asked to stop gets to finish its calls. Default 30 s. */
  shutdownTimeout?: number
  /** A runner with no calls for this long shuts down (if more than `min` are ready). Default 30 s. */
  idleShutdownAfter?: number
  /** The same, for the last `min` runners. Default Infinity (they stay). */
  minIdleShutdownAfter?: number
  /** Each runner takes exactly one call, then shuts down. Default false. */
  singleUse?: boolean
  /** A cancelled task still running this long after its caller gave up gets its runner retired. Default 5 s. */
  abortGrace?: number
  /** Parent → runner ping interval. Default 1 s. */
  heartbeatInterval?: number
  /** A runner that hears nothing from the pool for this long exits. Default 5 s. */
  parentTimeout?: number
  /** A runner that hears nothing at all from the pool this long after starting exits. Default 20 s. */
  failsafeTimeout?: number
  onGrowStart?: (event: { name: string; count: number; runnerId: string }) => void
  onGrowEnd?: (event: {
    name: string
    count: number
    runnerId: string
    ok: boolean
    bootMs: number
    error?: FlameError
  }) => void
  onShrink?: (event: { name: string; count: number; runnerId: string; reason: string }) => void
  /** Where log lines go (one per grow, shrink, boot failure). `false` silences. Default: stderr. */
  log?: false | ((line: string) => void)
}

export interface Placement {
  runnerId: string
  /** The call had to wait for a runner to boot (the runner was not ready when the call was made). */
  cold: boolean
  /** That runner's boot duration, ms. */
  bootMs: number
}

export interface CallOptions<M = unknown> {
  /** Whole budget of the call in ms (waiting + running). */
  timeout?: number
  signal?: AbortSignal
  onMessage?: (message: M) => void
  /** Called once, when the call is handed to a runner. */
  onPlaced?: (placement: Placement) => void
}

export interface RunnerStats {
  id: string
  state: RunnerState
  busy: number
  uses: number
  bootMs: number
  pid: number | null
}

export interface PoolStats {
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
  boots: number
  bootFailures: number
  runnerDeaths: number
  idleShutdowns: number
  calls: number
  succeeded: number
  failed: number
  timeouts: number
  runnerDetails: RunnerStats[]
}

interface Slot {
  runner: Runner
  idleSince: number
  idleTimer: NodeJS.Timeout | undefined
  /** Why the pool asked it to stop; undefined while it is wanted. */
  retired: string | undefined
}

interface PendingCall {
  id: number
  task: string
  input: unknown
  opts: CallOptions<unknown>
  startedAt: number
  /** The caller's own timeout, if given. */
  budget: number | undefined
  deadline: number
  queueKey: number | undefined
  runner: Runner | undefined
  timer: NodeJS.Timeout | undefined
  graceTimer: NodeJS.Timeout | undefined
  settled: boolean
  ended: boolean
  resolve(value: unknown): void
  reject(error: unknown): void
  onAbort: (() => void) | undefined
}

const now = (): number => performance.now()

export class Pool {
  readonly name: string
  private readonly backend: Backend
  private readonly min: number
  private readonly max: number
  private readonly maxConcurrency: number
  private readonly timeout: number
  private readonly bootTimeout: number
  private readonly shutdownTimeout: number
  private readonly idleShutdownAfter: number
  private readonly minIdleShutdownAfter: number
  private readonly singleUse: boolean
  private readonly abortGrace: number
  private readonly opts: PoolOptions
  private readonly writeLog: (line: string) => void

  private readonly slots = new Map<string, Slot>()
  private readonly booting = new Map<string, Runner>()
  private readonly bootPromises = new Set<Promise<void>>()
  private readonly waiting = new Queue<PendingCall>()
  private readonly stopController = new AbortController()
  private readyWaiters: { resolve(): void; reject(err: unknown): void }[] = []
  /** How many runners the pool keeps alive on its own (min, lowered only by min-idle shutdowns). */
  private floor: number
  private seq = 0
  private callSeq = 0
  private retryTimer: NodeJS.Timeout | undefined
  private consecutiveFailures = 0
  private lastBootError: FlameError | undefined
  private closed = false
  private stopping: Promise<void> | undefined
  private readonly counters = {
    boots: 0,
    bootFailures: 0,
    runnerDeaths: 0,
    idleShutdowns: 0,
    calls: 0,
    succeeded: 0,
    failed: 0,
    timeouts: 0,
  }

  constructor(options: PoolOptions) {
    this.opts = options
    this.name = options.name
    this.backend = options.backend
    this.max = options.max
    this.min = Parent.get() ? 0 : (options.min ?? 0)
    this.maxConcurrency = options.maxConcurrency ?? 100
    this.timeout = options.timeout ?? 30_000
    this.bootTimeout = options.bootTimeout ?? 30_000
    this.shutdownTimeout = options.shutdownTimeout ?? 30_000
    this.idleShutdownAfter = options.idleShutdownAfter ?? 30_000
    this.minIdleShutdownAfter = options.minIdleShutdownAfter ?? Number.POSITIVE_INFINITY
    this.singleUse = options.singleUse ?? false
    this.abortGrace = options.abortGrace ?? 5_000
    if (!this.name) throw new TypeError('Pool: name is required')
    if (!(this.max >= 1)) throw new RangeError('Pool: max must be at least 1')
    if (!(this.min >= 0 && this.min <= this.max)) throw new RangeError('Pool: min must be between 0 and max')
    if (!(this.maxConcurrency >= 1)) throw new RangeError('Pool: maxConcurrency must be at least 1')
    const sink = options.log === false ? () => {} : (options.log ?? ((line: string) => console.error(line)))
    this.writeLog = (line) => sink(`[flame pool=${this.name}] ${line}`)
    this.floor = this.min
    this.reconcile()
  }

  /** Resolves once `min` runners are ready. Rejects if a min boot fails (the pool keeps retrying) or on shutdown. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new FlameError('shutdown', `pool ${this.name} is shut down`))
    if (this.readyCount() >= this.min) return Promise.resolve()
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }))
  }

  /** Run `task` on a runner and return its result. See CallOptions for deadlines and streaming. */
  call<I, O, M>(task: Task<I, O, M>, input: I, options: CallOptions<M> = {}): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.closed) return reject(new FlameError('shutdown', `pool ${this.name} is shut down`))
      const { signal } = options
      if (signal?.aborted) return reject(abortError(signal))
      const startedAt = now()
      const budget = options.timeout
      const wait = budget ?? this.bootTimeout
      const call: PendingCall = {
        id: ++this.callSeq,
        task: task.name,
        input,
        opts: options as CallOptions<unknown>,
        startedAt,
        budget,
        deadline: startedAt + wait,
        queueKey: undefined,
        runner: undefined,
        timer: undefined,
        graceTimer: undefined,
        settled: false,
        ended: false,
        resolve: resolve as (value: unknown) => void,
        reject,
        onAbort: undefined,
      }
      this.counters.calls++
      if (Number.isFinite(wait)) call.timer = setTimeout(() => this.expire(call), Math.max(0, wait))
      if (signal) {
        call.onAbort = () => this.abort(call, abortError(signal))
        signal.addEventListener('abort', call.onAbort, { once: true })
      }
      call.queueKey = this.waiting.push(call)
      this.reconcile()
    })
  }

  /** Fire and forget. Failures are logged, never thrown. */
  cast<I, O, M>(task: Task<I, O, M>, input: I, options: CallOptions<M> = {}): void {
    this.call(task, input, options).catch((err: unknown) => {
      this.writeLog(`cast of "${task.name}" failed: ${err instanceof Error ? err.message : err}`)
    })
  }

  /** A snapshot of the pool, as plain data. */
  stats(): PoolStats {
    const live = [...this.slots.values()].map((s) => s.runner)
    const ready = live.filter((r) => r.state === 'ready')
    const perRunner = this.singleUse ? 1 : this.maxConcurrency
    return {
      name: this.name,
      min: this.min,
      max: this.max,
      maxConcurrency: this.maxConcurrency,
      runners: live.length,
      ready: ready.length,
      draining: live.filter((r) => r.state === 'draining').length,
      booting: this.booting.size,
      busySlots: live.reduce((n, r) => n + r.busy, 0),
      freeSlots: ready.reduce((n, r) => n + (this.canTake(r) ? perRunner - r.busy : 0), 0),
      waiting: this.waiting.size,
      ...this.counters,
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

  /**
   * Stop everything: waiting calls reject with `shutdown`, running calls get `shutdownTimeout`
   * to finish, every runner disposes its resources and exits. Resolves when all have exited.
   */
  shutdown(): Promise<void> {
    if (this.stopping) return this.stopping
    this.closed = true
    this.stopController.abort()
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const error = new FlameError('shutdown', `pool ${this.name} is shutting down`)
    for (const call of this.waiting.drain()) {
      call.queueKey = undefined
      this.settle(call, error)
    }
    for (const w of this.readyWaiters.splice(0)) w.reject(error)
    for (const slot of this.slots.values()) this.retire(slot, 'shutdown')
    this.stopping = (async () => {
      await Promise.allSettled([...this.bootPromises])
      await Promise.all([...this.slots.values()].map((s) => s.runner.exited))
    })()
    return this.stopping
  }

  // ---- scheduling ----------------------------------------------------------------

  /** Hand waiting calls to free runners, then boot what demand (or min) still needs. */
  private reconcile(): void {
    if (this.closed) return
    this.dispatch()
    if (this.retryTimer) return
    while (this.slots.size + this.booting.size < this.floor) this.boot(false)
    while (this.unmetDemand()) this.boot(true)
  }

  private unmetDemand(): boolean {
    const perRunner = this.singleUse ? 1 : this.maxConcurrency
    return this.slots.size + this.booting.size < this.max && this.waiting.size > this.booting.size * perRunner
  }

  private dispatch(): void {
    while (this.waiting.size > 0) {
      const slot = this.pick()
      if (!slot) return
      const call = this.waiting.shift()!
      call.queueKey = undefined
      this.place(call, slot)
    }
  }

  private canTake(r: Runner): boolean {
    return r.state === 'ready' && r.busy < this.maxConcurrency && !(this.singleUse && r.uses > 0)
  }

  /** The least-loaded runner that can take a call (oldest first on ties). */
  private pick(): Slot | undefined {
    let best: Slot | undefined
    for (const slot of this.slots.values()) {
      if (slot.retired || !this.canTake(slot.runner)) continue
      if (!best || slot.runner.busy < best.runner.busy) best = slot
    }
    return best
  }

  private place(call: PendingCall, slot: Slot): void {
    const runner = slot.runner
    this.clearIdle(slot)
    clearTimeout(call.timer)
    const t = now()
    const runFor = call.budget !== undefined ? Math.max(1, call.deadline - t) : this.timeout
    call.deadline = t + runFor
    call.runner = runner
    try {
      runner.run(call.id, call.task, call.input, runFor, this.sinkFor(call, runner))
    } catch (err) {
      call.runner = undefined
      call.ended = true
      this.settle(call, err)
      if (runner.busy === 0) this.markIdle(slot)
      return
    }
    if (Number.isFinite(runFor)) call.timer = setTimeout(() => this.expire(call), runFor)
    const placement: Placement = {
      runnerId: runner.id,
      cold: runner.readyAt > call.startedAt,
      bootMs: Math.round(runner.bootMs),
    }
    this.safely('onPlaced', () => call.opts.onPlaced?.(placement))
  }

  private sinkFor(call: PendingCall, runner: Runner): CallSink {
    return {
      message: (data) => {
        if (!call.settled) this.safely('onMessage', () => call.opts.onMessage?.(data))
      },
      ok: (value) => {
        this.ended(call, runner)
        if (!call.settled) this.counters.succeeded++
        this.settle(call, undefined, value)
      },
      err: (code, error) => {
        this.ended(call, runner)
        if (code === 'shutdown' && !this.closed) {
          // the runner is stopping on its own (signal, lost parent) and took the call down with it
          const reason = `runner ${runner.id} stopped while running "${call.task}": ${error.message}`
          this.settle(call, new FlameError('runner_lost', reason, { runnerId: runner.id, remote: error }))
          return
        }
        this.settle(call, remoteError(code, error, runner.id, call.task))
      },
      lost: (reason) => {
        this.ended(call, runner)
        const message = `runner ${runner.id} was lost while running "${call.task}" (${reason})`
        this.settle(call, new FlameError('runner_lost', message, { runnerId: runner.id }))
      },
    }
  }

  /** The task ended on the runner: its slot is free. */
  private ended(call: PendingCall, runner: Runner): void {
    call.ended = true
    clearTimeout(call.graceTimer)
    const slot = this.slots.get(runner.id)
    if (!slot || runner.state === 'exited') return
    if (this.singleUse && !slot.retired) this.retire(slot, 'single use')
    else if (runner.busy === 0) this.markIdle(slot)
    this.reconcile()
  }

  /** The caller's deadline passed. */
  private expire(call: PendingCall): void {
    if (call.settled) return
    this.counters.timeouts++
    if (call.queueKey !== undefined) {
      this.waiting.delete(call.queueKey)
      call.queueKey = undefined
      const waited = Math.round(now() - call.startedAt)
      const why = this.lastBootError ? `; last boot failure: ${this.lastBootError.message}` : ''
      this.settle(call, new FlameError('timeout', `no runner became available within ${waited} ms${why}`))
      return
    }
    const runner = call.runner!
    const ran = Math.round(now() - call.startedAt)
    this.settle(
      call,
      new FlameError('timeout', `task "${call.task}" did not finish within ${ran} ms`, {
        runnerId: runner.id,
      }),
    )
    this.cancelRemote(call, runner, 'timeout')
  }

  /** The caller's signal fired. */
  private abort(call: PendingCall, error: FlameError): void {
    if (call.settled) return
    if (call.queueKey !== undefined) {
      this.waiting.delete(call.queueKey)
      call.queueKey = undefined
      this.settle(call, error)
      return
    }
    this.settle(call, error)
    if (call.runner && !call.ended) this.cancelRemote(call, call.runner, 'aborted')
  }

  private cancelRemote(call: PendingCall, runner: Runner, reason: 'timeout' | 'aborted'): void {
    if (call.ended) return
    runner.cancel(call.id, reason)
    call.graceTimer = setTimeout(() => {
      const slot = this.slots.get(runner.id)
      if (call.ended || !slot || slot.retired) return
      this.writeLog(
        `task "${call.task}" on ${runner.id} ignored its abort for ${this.abortGrace} ms; retiring the runner`,
      )
      this.retire(slot, 'stuck task')
      this.reconcile()
    }, this.abortGrace)
    call.graceTimer.unref()
  }

  private settle(call: PendingCall, error: unknown, value?: unknown): void {
    if (call.settled) return
    call.settled = true
    clearTimeout(call.timer)
    if (call.onAbort) call.opts.signal?.removeEventListener('abort', call.onAbort)
    if (error) {
      this.counters.failed++
      call.reject(error)
    } else {
      call.resolve(value)
    }
  }

  // ---- growing -------------------------------------------------------------------

  private boot(demand: boolean): void {
    const id = `${this.name}-${++this.seq}`
    const runner = new Runner(id, this.backend, {
      pool: this.name,
      bootTimeout: this.bootTimeout,
      heartbeatMs: this.opts.heartbeatInterval ?? 1_000,
      parentTimeoutMs: this.opts.parentTimeout ?? 5_000,
      failsafeMs: this.opts.failsafeTimeout ?? 20_000,
    })
    runner.onExit = (exit) => this.runnerExited(runner, exit)
    this.booting.set(id, runner)
    if (demand) {
      const count = this.slots.size + this.booting.size
      this.safely('onGrowStart', () => this.opts.onGrowStart?.({ name: this.name, count, runnerId: id }))
    }
    const t0 = now()
    const done = runner.boot(this.stopController.signal).then(
      () => this.booted(runner),
      (err: FlameError) => this.bootFailed(runner, err, now() - t0),
    )
    this.bootPromises.add(done)
    void done.finally(() => this.bootPromises.delete(done))
  }

  private booted(runner: Runner): void {
    this.booting.delete(runner.id)
    if (runner.state === 'exited') {
      this.bootFailed(runner, new FlameError('boot_failed', `runner ${runner.id} exited right after boot`), 0)
      return
    }
    const from = this.slots.size
    const slot: Slot = { runner, idleSince: now(), idleTimer: undefined, retired: undefined }
    this.slots.set(runner.id, slot)
    if (this.closed) {
      this.retire(slot, 'shutdown')
      return
    }
    this.counters.boots++
    this.consecutiveFailures = 0
    this.lastBootError = undefined
    this.floor = Math.min(this.min, Math.max(this.floor, this.slots.size))
    const bootMs = Math.round(runner.bootMs)
    this.writeLog(`grow ${from}→${this.slots.size} (boot ${bootMs} ms, ${runner.id})`)
    this.safely('onGrowEnd', () =>
      this.opts.onGrowEnd?.({
        name: this.name,
        count: this.slots.size,
        runnerId: runner.id,
        ok: true,
        bootMs,
      }),
    )
    if (this.readyCount() >= this.min) for (const w of this.readyWaiters.splice(0)) w.resolve()
    this.markIdle(slot)
    this.reconcile()
  }

  private bootFailed(runner: Runner, error: FlameError, ms: number): void {
    this.booting.delete(runner.id)
    if (this.closed) return
    this.counters.bootFailures++
    this.consecutiveFailures++
    this.lastBootError = error
    const count = this.slots.size + this.booting.size
    this.safely('onGrowEnd', () =>
      this.opts.onGrowEnd?.({
        name: this.name,
        count,
        runnerId: runner.id,
        ok: false,
        bootMs: Math.round(ms),
        error,
      }),
    )
    for (const w of this.readyWaiters.splice(0)) w.reject(error)
    const wanted = this.slots.size + this.booting.size < this.floor || this.unmetDemand()
    if (wanted && !this.retryTimer) {
      const delay = Math.min(5_000, 100 * 2 ** (this.consecutiveFailures - 1))
      this.writeLog(
        `boot of ${runner.id} failed after ${Math.round(ms)} ms: ${error.message}; retrying in ${delay} ms`,
      )
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        this.reconcile()
      }, delay)
    } else {
      this.writeLog(`boot of ${runner.id} failed after ${Math.round(ms)} ms: ${error.message}`)
    }
  }

  // ---- shrinking -----------------------------------------------------------------

  private readyCount(): number {
    let n = 0
    for (const slot of this.slots.values()) if (slot.runner.state === 'ready' && !slot.retired) n++
    return n
  }

  /** The runner has no calls: start its idle clock. */
  private markIdle(slot: Slot): void {
    slot.idleSince = now()
    this.armIdle(slot, this.idleShutdownAfter)
  }

  private armIdle(slot: Slot, after: number): void {
    this.clearIdle(slot)
    if (!Number.isFinite(after)) return
    slot.idleTimer = setTimeout(() => this.idleCheck(slot), Math.max(0, after))
    slot.idleTimer.unref()
  }

  private clearIdle(slot: Slot): void {
    clearTimeout(slot.idleTimer)
    slot.idleTimer = undefined
  }

  private idleCheck(slot: Slot): void {
    slot.idleTimer = undefined
    const runner = slot.runner
    if (this.closed || slot.retired || runner.state !== 'ready' || runner.busy > 0) return
    const idleFor = now() - slot.idleSince
    if (this.readyCount() > this.min && idleFor >= this.idleShutdownAfter - 1) {
      this.counters.idleShutdowns++
      this.retire(slot, 'idle')
      return
    }
    if (idleFor >= this.minIdleShutdownAfter - 1) {
      this.counters.idleShutdowns++
      this.floor = Math.min(this.floor, this.slots.size - 1)
      this.retire(slot, 'idle')
      return
    }
    // Kept because of `min`; look again later, in case more runners come and this one becomes spare.
    this.armIdle(slot, Math.min(this.idleShutdownAfter, this.minIdleShutdownAfter - idleFor))
  }

  /** Ask a runner to stop; it is forgotten when it exits. */
  private retire(slot: Slot, reason: string): void {
    if (slot.retired) return
    slot.retired = reason
    this.clearIdle(slot)
    slot.runner.shutdown(reason, this.shutdownTimeout)
  }

  private runnerExited(runner: Runner, exit: RunnerExit): void {
    const slot = this.slots.get(runner.id)
    if (!slot) return // died while booting: bootFailed handles it
    this.clearIdle(slot)
    const from = this.slots.size
    this.slots.delete(runner.id)
    let reason: string
    if (slot.retired) {
      reason = slot.retired
    } else {
      this.counters.runnerDeaths++
      reason = `${runner.id} lost: ${describeExit(exit)}`
    }
    this.writeLog(`shrink ${from}→${this.slots.size} (${reason})`)
    this.safely('onShrink', () =>
      this.opts.onShrink?.({ name: this.name, count: this.slots.size, runnerId: runner.id, reason }),
    )
    this.reconcile()
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.writeLog(`${what} callback threw: ${err instanceof Error ? err.message : err}`)
    }
  }
}

function abortError(signal: AbortSignal): FlameError {
  return new FlameError('aborted', 'call aborted by the caller', { cause: signal.reason })
}

function remoteError(code: ErrCode, error: RemoteErrorInfo, runnerId: string, task: string): FlameError {
  switch (code) {
    case 'remote_error':
      return new FlameError('remote_error', error.message, { remote: error, runnerId })
    case 'timeout':
      return new FlameError('timeout', `task "${task}" was aborted at its deadline: ${error.message}`, {
        remote: error,
        runnerId,
      })
    default:
      return new FlameError(code, error.message, { remote: error, runnerId })
  }
}
