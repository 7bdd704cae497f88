/**
 * One call, seen from its caller: what it asked for, where it stands, and the error it
 * ends with when it does not succeed.
 *
 * A call settles exactly once — value, or a `FlameError` whose message says what went
 * wrong in the caller's terms. What happens after that (a task still running on a
 * runner, a late reply) is the pool's business and never reaches the caller.
 *
 *   const placed: Placement = { runnerId: 'browser-2', cold: true, bootMs: 362 }
 *   settle(call, waitTimeout(call, lastBootError))
 *   // → FlameError timeout: "no runner became available within 30001 ms; last boot failure: ..."
 *   settle(call, undefined, value)   // false: it had already settled
 */

import { FlameError, type RemoteErrorInfo } from './errors.ts'
import type { ErrCode } from './protocol.ts'
import type { Runner } from './runner.ts'

export interface Placement {
  runnerId: string
  /**
   * The call waited for this runner's boot: the runner was not ready when the call was
   * made, and the call is among the first it takes (up to `maxConcurrency`). A call that
   * waited for another call to end on a runner that booted meanwhile is not cold.
   */
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
  /**
   * Called when the call has to wait for a busy runner (every runner the pool may have is
   * taken), with its place in that wait — 1: the next to get a runner, 2: one more call
   * before it, … — and again each time the place changes. 0: it no longer waits behind
   * busy runners but for one that is booting (a replacement, say). Not called for a call
   * that only waits for a boot.
   */
  onQueued?: (position: number) => void
}

export interface PendingCall {
  id: number
  task: string
  input: unknown
  opts: CallOptions<unknown>
  startedAt: number
  /** The caller's own timeout, if given. */
  budget: number | undefined
  deadline: number
  /** Its place in the waiting line; undefined once placed (or gone). */
  queueKey: number | undefined
  /** The last position told to `onQueued` (0: not told it waits behind busy runners). */
  position: number
  runner: Runner | undefined
  timer: NodeJS.Timeout | undefined
  graceTimer: NodeJS.Timeout | undefined
  /** The caller has its answer. */
  settled: boolean
  /** The task has ended on the runner (its slot is free); can come after `settled`. */
  ended: boolean
  resolve(value: unknown): void
  reject(error: unknown): void
  onAbort: (() => void) | undefined
}

/** Give the caller its answer, once; true if this call settled it. */
export function settle(call: PendingCall, error: unknown, value?: unknown): boolean {
  if (call.settled) return false
  call.settled = true
  clearTimeout(call.timer)
  if (call.onAbort) call.opts.signal?.removeEventListener('abort', call.onAbort)
  if (error) call.reject(error)
  else call.resolve(value)
  return true
}

export function abortError(signal: AbortSignal): FlameError {
  return new FlameError('aborted', 'call aborted by the caller', { cause: signal.reason })
}

/** The deadline passed before any runner took the call. */
export function waitTimeout(call: PendingCall, lastBootError: FlameError | undefined): FlameError {
  const waited = Math.round(performance.now() - call.startedAt)
  // when boots keep failing, that failure is the real reason the caller waited in vain
  const why = lastBootError ? `; last boot failure: ${lastBootError.message}` : ''
  return new FlameError('timeout', `no runner became available within ${waited} ms${why}`)
}

/** The deadline passed while the task ran. */
export function runTimeout(call: PendingCall, runner: Runner): FlameError {
  const ran = Math.round(performance.now() - call.startedAt)
  return new FlameError('timeout', `task "${call.task}" did not finish within ${ran} ms`, {
    runnerId: runner.id,
  })
}

/** The runner exited with the call on it. */
export function lostError(call: PendingCall, runner: Runner, reason: string): FlameError {
  const message = `runner ${runner.id} was lost while running "${call.task}" (${reason})`
  return new FlameError('runner_lost', message, { runnerId: runner.id })
}

/** The runner answered the call with an error. */
export function replyError(
  call: PendingCall,
  runner: Runner,
  code: ErrCode,
  error: RemoteErrorInfo,
  poolClosing: boolean,
): FlameError {
  const runnerId = runner.id
  if (code === 'shutdown' && !poolClosing) {
    // the runner is stopping on its own (signal, lost parent) and took the call down with it
    const reason = `runner ${runnerId} stopped while running "${call.task}": ${error.message}`
    return new FlameError('runner_lost', reason, { runnerId, remote: error })
  }
  switch (code) {
    case 'remote_error':
      return new FlameError('remote_error', error.message, { remote: error, runnerId })
    case 'timeout':
      return new FlameError('timeout', `task "${call.task}" was aborted at its deadline: ${error.message}`, {
        remote: error,
        runnerId,
      })
    default:
      return new FlameError(code, error.message, { remote: error, runnerId })
  }
}
