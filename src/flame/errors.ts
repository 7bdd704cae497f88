/**
 * Every way a FLAME call can fail, as one error class with a `code`.
 *
 * A caller never has to parse messages: it switches on `code`. When the task itself
 * threw on the runner, the error carries what the runner saw (`remote`: name, message,
 * stack and any `code` property), and its own `stack` shows the remote stack first, then
 * the caller's, so a log line points at the line that really failed.
 *
 *   try {
 *     await pool.call(resize, { url })
 *   } catch (err) {
 *     if (err instanceof FlameError && err.code === 'runner_lost') return retryLater()
 *     throw err
 *   }
 *
 * Codes:
 * - `timeout`       the call's deadline passed, waiting for a runner or running on one
 * - `aborted`       the caller's `AbortSignal` fired
 * - `remote_error`  the task threw; see `remote`
 * - `runner_lost`   the runner died (or was shut down) while the call was on it
 * - `boot_failed`   a runner could not be started (seen in logs and `onGrowEnd`)
 * - `shutdown`      the pool (or the runner) is shutting down and refused the call
 * - `unknown_task`  the runner has no task registered under that name
 * - `not_cloneable` the input, a message or the result could not be structured-cloned
 */

export type FlameErrorCode =
  | 'timeout'
  | 'aborted'
  | 'remote_error'
  | 'runner_lost'
  | 'boot_failed'
  | 'shutdown'
  | 'unknown_task'
  | 'not_cloneable'

/** What the runner saw when a task threw: plain data, safe to send across processes. */
export interface RemoteErrorInfo {
  name: string
  message: string
  stack?: string
  /** The thrown error's own `code` property, when it had one (e.g. `ENOTFOUND`). */
  code?: string | number
}

export interface FlameErrorOptions {
  cause?: unknown
  remote?: RemoteErrorInfo
  runnerId?: string
}

export class FlameError extends Error {
  readonly code: FlameErrorCode
  /** Present when the error happened on a runner. */
  readonly remote?: RemoteErrorInfo
  /** The runner the call was on, when it had been placed. */
  readonly runnerId?: string

  constructor(code: FlameErrorCode, message: string, options: FlameErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'FlameError'
    this.code = code
    if (options.remote) this.remote = options.remote
    if (options.runnerId) this.runnerId = options.runnerId
    if (options.remote?.stack) {
      const local = (this.stack ?? '').split('\n').slice(1).join('\n')
      this.stack = `${options.remote.stack}\n    --- on runner ${options.runnerId ?? '?'}, called from ---\n${local}`
    }
  }
}

/** Turn anything a task may throw into plain, cloneable data. */
export function serializeError(err: unknown): RemoteErrorInfo {
  if (err instanceof Error) {
    const info: RemoteErrorInfo = { name: err.name, message: err.message }
    if (err.stack) info.stack = err.stack
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' || typeof code === 'number') info.code = code
    return info
  }
  let message: string
  try {
    message = typeof err === 'string' ? err : JSON.stringify(err)
  } catch {
    message = String(err)
  }
  return { name: 'NonError', message: message ?? String(err) }
}
