/**
 * A Runner is the pool's handle on one booted copy of the app — FLAME's `FLAME.Runner`.
 *
 * It boots through a backend and waits for the runner's `ready` (bounded by
 * `bootTimeout`), then pings it, sends it calls and routes what comes back — messages,
 * results, errors — to each call's sink. When the runner exits, every call still on it
 * is told it was lost. The pool decides *which* runner gets a call and *when* one
 * shuts down; the Runner only speaks to one.
 *
 *   const runner = new Runner('browser-1', backend, { bootTimeout: 30_000, heartbeatMs: 1000, ... })
 *   await runner.boot(signal)                        // resolves on `ready`
 *   runner.run(1, 'thumbnail', { url }, 30_000, sink) // sink.message / ok / err / lost
 *   runner.shutdown('idle', 30_000)                    // graceful; killed if it lingers
 *   await runner.exited
 */

import { type Backend, describeExit, type RunnerConnection, type RunnerExit } from './backend.ts'
import { FlameError, type RemoteErrorInfo } from './errors.ts'
import { PARENT_ID, type ParentInfo, PROTOCOL_VERSION } from './parent.ts'
import type { ErrCode, FromRunner } from './protocol.ts'

/** Where a call's outcome goes. Exactly one of ok / err / lost is called, once. */
export interface CallSink {
  message(data: unknown): void
  ok(value: unknown): void
  err(code: ErrCode, error: RemoteErrorInfo): void
  lost(reason: string): void
}

export interface RunnerSettings {
  pool: string
  bootTimeout: number
  heartbeatMs: number
  parentTimeoutMs: number
  failsafeMs: number
  /** After asking a runner to shut down with `timeout`, kill it if still alive `timeout + killGrace` later. */
  killGrace?: number
  log?: (line: string) => void
}

export type RunnerState = 'booting' | 'ready' | 'draining' | 'exited'

export class Runner {
  state: RunnerState = 'booting'
  /** ms from boot start to `ready`. */
  bootMs = 0
  /** performance.now() when it became ready. */
  readyAt = 0
  pid: number | undefined
  tasks: string[] = []
  /** Calls ever placed on it. */
  uses = 0
  exit: RunnerExit | undefined
  /** Resolves when the runner has exited (for any reason). */
  readonly exited: Promise<RunnerExit>
  /** Called once the runner has exited and its calls were told. */
  onExit: ((exit: RunnerExit) => void) | undefined

  private conn: RunnerConnection | undefined
  private readonly calls = new Map<number, CallSink>()
  private heartbeat: NodeJS.Timeout | undefined
  private killTimer: NodeJS.Timeout | undefined
  private resolveExited!: (exit: RunnerExit) => void

  constructor(
    readonly id: string,
    private readonly backend: Backend,
    private readonly settings: RunnerSettings,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve
    })
  }

  /** Calls on this runner that have not ended yet (including ones whose caller gave up). */
  get busy(): number {
    return this.calls.size
  }

  /** Boot through the backend; resolves when the runner said `ready`, rejects with `boot_failed`. */
  boot(signal: AbortSignal): Promise<void> {
    const t0 = performance.now()
    const { bootTimeout } = this.settings
    const attempt = new AbortController()
    return new Promise<void>((resolve, reject) => {
      let settled = false
      const fail = (err: FlameError): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        attempt.abort(err)
        this.hardKill()
        reject(err)
      }
      const onAbort = (): void =>
        fail(new FlameError('shutdown', `boot of ${this.id} cancelled: pool shutting down`))
      const timer = setTimeout(
        () => fail(new FlameError('boot_failed', `runner ${this.id} was not ready within ${bootTimeout} ms`)),
        bootTimeout,
      )
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })

      const parent: ParentInfo = {
        v: PROTOCOL_VERSION,
        parentId: PARENT_ID,
        runnerId: this.id,
        pool: this.settings.pool,
        backend: this.backend.name,
        heartbeatMs: this.settings.heartbeatMs,
        parentTimeoutMs: this.settings.parentTimeoutMs,
        failsafeMs: this.settings.failsafeMs,
      }
      this.backend.boot({ runnerId: this.id, parent, signal: attempt.signal }).then(
        (conn) => {
          this.conn = conn
          if (settled) return this.hardKill()
          conn.onMessage((m) => {
            if (m.t === 'ready' && this.state === 'booting') {
              if (settled) return
              settled = true
              clearTimeout(timer)
              signal.removeEventListener('abort', onAbort)
              this.bootMs = performance.now() - t0
              this.readyAt = performance.now()
              this.pid = m.pid
              this.tasks = m.tasks
              this.state = 'ready'
              this.startHeartbeat()
              return resolve()
            }
            this.receive(m)
          })
          conn.onExit((exit) => {
            fail(
              new FlameError(
                'boot_failed',
                `runner ${this.id} exited before it was ready (${describeExit(exit)})`,
              ),
            )
            this.exitWith(exit)
          })
        },
        (err: unknown) =>
          fail(
            new FlameError(
              'boot_failed',
              `backend ${this.backend.name} could not start ${this.id}: ${message(err)}`,
              {
                cause: err,
              },
            ),
          ),
      )
    })
  }

  /** Send a call. Throws `not_cloneable` if the input cannot cross; nothing is then registered. */
  run(id: number, task: string, input: unknown, timeout: number, sink: CallSink): void {
    if (!this.conn || this.state === 'exited')
      throw new FlameError('runner_lost', `runner ${this.id} is gone`)
    try {
      this.conn.send({ t: 'run', id, task, input, timeout })
    } catch (err) {
      throw new FlameError('not_cloneable', `input of task "${task}" cannot be sent: ${message(err)}`, {
        cause: err,
      })
    }
    this.uses++
    this.calls.set(id, sink)
  }

  /** Ask the runner to abort call `id`'s signal. The call stays busy until the runner says it ended. */
  cancel(id: number, reason: 'timeout' | 'aborted'): void {
    if (this.calls.has(id)) this.safeSend({ t: 'cancel', id, reason })
  }

  /** Graceful stop: the runner finishes calls within `timeout`, disposes resources, exits; killed if it lingers. */
  shutdown(reason: string, timeout: number): void {
    if (this.state === 'exited') return
    this.state = 'draining'
    if (this.killTimer) return
    this.safeSend({ t: 'shutdown', reason, timeout })
    const grace = this.settings.killGrace ?? 10_000
    this.killTimer = setTimeout(() => this.kill(), timeout + grace)
    this.killTimer.unref()
  }

  /** Hard stop. */
  kill(): void {
    if (this.state !== 'exited') this.hardKill()
  }

  private hardKill(): void {
    // the backend retries a failing kill itself; what reaches here is its final word
    this.conn
      ?.kill()
      .catch((err: unknown) => this.settings.log?.(`kill of ${this.id} failed: ${message(err)}`))
  }

  private receive(m: FromRunner): void {
    switch (m.t) {
      case 'msg':
        this.calls.get(m.id)?.message(m.data)
        return
      case 'ok': {
        const sink = this.calls.get(m.id)
        this.calls.delete(m.id)
        sink?.ok(m.value)
        return
      }
      case 'err': {
        const sink = this.calls.get(m.id)
        this.calls.delete(m.id)
        sink?.err(m.code, m.error)
        return
      }
      case 'bye':
        // exiting on its own; take no new work. The exit itself follows.
        if (this.state === 'ready') this.state = 'draining'
        return
      case 'ready':
        return
    }
  }

  private exitWith(exit: RunnerExit): void {
    if (this.state === 'exited') return
    this.state = 'exited'
    this.exit = exit
    clearInterval(this.heartbeat)
    clearTimeout(this.killTimer)
    const lost = [...this.calls.values()]
    this.calls.clear()
    const reason = describeExit(exit)
    for (const sink of lost) sink.lost(reason)
    this.resolveExited(exit)
    this.onExit?.(exit)
  }

  private startHeartbeat(): void {
    this.safeSend({ t: 'ping' })
    this.heartbeat = setInterval(() => this.safeSend({ t: 'ping' }), this.settings.heartbeatMs)
    this.heartbeat.unref()
  }

  private safeSend(m: Parameters<RunnerConnection['send']>[0]): void {
    try {
      this.conn?.send(m)
    } catch {
      // control messages are always cloneable; a dead link reports its exit separately
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
