/**
 * The Terminator lives on the runner and makes sure it never outlives its purpose.
 *
 * It does three jobs, as FLAME's `FLAME.Terminator` does:
 *
 * 1. Watch the parent. The runner exits if it hears nothing from the parent within
 *    `failsafeMs` of starting, if the link drops (IPC disconnect: the parent died, even
 *    by kill -9), or if pings stop for `parentTimeoutMs`. A runner whose event loop was
 *    blocked by a long synchronous task is not fooled: it looks at its inbox before
 *    judging.
 * 2. Put a deadline on every call: the task's `signal` aborts when the time is up or
 *    the caller cancels.
 * 3. Stop cleanly: refuse new calls, give running ones `drainMs` to finish, abort the
 *    rest, dispose resources (close the warm browser), then exit.
 *
 *   const terminator = new Terminator({
 *     heartbeatMs: 1000, parentTimeoutMs: 5000, failsafeMs: 20000,
 *     dispose: () => resources.disposeAll(),
 *     exit: (reason) => process.exit(0),
 *   })
 *   terminator.heard()                       // on every message from the parent
 *   const ac = terminator.track(id, 30_000)  // ac.signal aborts at the deadline
 *   terminator.untrack(id)                   // task ended
 *   await terminator.stop('idle', 30_000)    // drain, abort, dispose, exit
 */

import { FlameError } from './errors.ts'

export interface TerminatorOptions {
  heartbeatMs: number
  parentTimeoutMs: number
  failsafeMs: number
  /** Release runner-wide resources; awaited before `exit`. */
  dispose(): Promise<void>
  /** Leave. Called once, last. */
  exit(reason: string): void
  log?: (line: string) => void
}

interface Tracked {
  controller: AbortController
  timer: NodeJS.Timeout | undefined
  done: Promise<void>
  resolve(): void
}

export class Terminator {
  private readonly calls = new Map<number, Tracked>()
  private lastHeard = 0
  private parentLost = false
  /** Ends the drain of a graceful stop at once (set while one runs). */
  private cutDrain: (() => void) | undefined
  private failsafe: NodeJS.Timeout | undefined
  private watch: NodeJS.Timeout | undefined
  private stopped: Promise<void> | undefined

  constructor(private readonly opts: TerminatorOptions) {
    this.failsafe = setTimeout(
      () => this.parentGone(`no word from the parent within ${opts.failsafeMs} ms of starting (failsafe)`),
      opts.failsafeMs,
    )
    this.failsafe.unref()
    const tick = Math.max(20, Math.min(opts.heartbeatMs, opts.parentTimeoutMs / 4))
    let previous = performance.now()
    this.watch = setInterval(() => {
      const now = performance.now()
      const gap = now - previous
      previous = now
      // A late tick means the loop was blocked; pings may be waiting unread. Judge next tick.
      if (gap > tick * 3) return
      if (this.lastHeard && now - this.lastHeard > opts.parentTimeoutMs) {
        this.parentGone(`no heartbeat from the parent for ${Math.round(now - this.lastHeard)} ms`)
      }
    }, tick)
    this.watch.unref()
  }

  /** True once a stop has begun: new calls must be refused. */
  get stopping(): boolean {
    return this.stopped !== undefined
  }

  /** Calls currently running. */
  get active(): number {
    return this.calls.size
  }

  /** Note that the parent spoke. */
  heard(): void {
    this.lastHeard = performance.now()
    if (this.failsafe) {
      clearTimeout(this.failsafe)
      this.failsafe = undefined
    }
  }

  /** The parent is gone: stop now, without waiting for running calls (nobody will read their results). */
  parentGone(reason: string): void {
    if (this.stopping) {
      // Already draining (idle, shutdown): nobody will read those results any more, so the
      // drain ends now instead of keeping a runner of a dead parent alive until it times out.
      if (!this.parentLost) this.opts.log?.(`parent lost (${reason}) while stopping; ending the drain`)
      this.parentLost = true
      this.cutDrain?.()
      return
    }
    this.parentLost = true
    this.opts.log?.(`parent lost (${reason}); stopping`)
    void this.stop(`parent lost: ${reason}`, 0)
  }

  /** Start the deadline of call `id`; its controller aborts after `timeoutMs` or on `cancel`. */
  track(id: number, timeoutMs: number): AbortController {
    const controller = new AbortController()
    let resolve!: () => void
    const done = new Promise<void>((r) => {
      resolve = r
    })
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(
          () => controller.abort(new FlameError('timeout', `deadline of ${timeoutMs} ms passed`)),
          Math.max(0, timeoutMs),
        )
      : undefined
    this.calls.set(id, { controller, timer, done, resolve })
    return controller
  }

  /** The call ended (settled). */
  untrack(id: number): void {
    const tracked = this.calls.get(id)
    if (!tracked) return
    clearTimeout(tracked.timer)
    this.calls.delete(id)
    tracked.resolve()
  }

  /** Abort call `id`'s signal. */
  cancel(id: number, error: FlameError): void {
    this.calls.get(id)?.controller.abort(error)
  }

  /**
   * Stop the runner: refuse new calls, wait up to `drainMs` for running ones, abort what is
   * left (and give it a moment to unwind), dispose resources, exit. Idempotent.
   */
  stop(reason: string, drainMs: number): Promise<void> {
    if (this.stopped) return this.stopped
    clearTimeout(this.failsafe)
    // The heartbeat watch goes on while running calls drain: a parent that dies meanwhile cuts the drain short.
    this.stopped = (async () => {
      if (this.calls.size && drainMs > 0 && !this.parentLost) await this.drain(drainMs, true)
      clearInterval(this.watch)
      if (this.calls.size) {
        const error = new FlameError('shutdown', `runner stopping: ${reason}`)
        for (const tracked of this.calls.values()) tracked.controller.abort(error)
        await this.drain(500)
      }
      try {
        await this.opts.dispose()
      } catch (err) {
        this.opts.log?.(`dispose failed: ${(err as Error)?.message ?? err}`)
      }
      this.opts.exit(reason)
    })()
    return this.stopped
  }

  private async drain(ms: number, cutByParentLoss = false): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([...this.calls.values()].map((c) => c.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms)
        if (cutByParentLoss) this.cutDrain = resolve
      }),
    ])
    clearTimeout(timer)
    this.cutDrain = undefined
  }
}
