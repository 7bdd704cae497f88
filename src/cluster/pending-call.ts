/**
 * One outgoing call as the caller sees it: a promise that settles exactly once, a
 * message channel that goes quiet the moment it settles, and the caller's own
 * limits (timeout, abort signal) wired in. Both transports build their `call` on it,
 * so "never hangs, never settles twice, never delivers after settling" is written once.
 *
 *   const pending = startPendingCall('fra-1', 'measure', options, () => sendCancel())
 *   transport.onReply = (m) => m.type === 'result' ? pending.resolve(m.body) : pending.deliver(m.body)
 *   return pending.promise
 */

import { type CallOptions, ClusterError } from './types.ts'

export interface PendingCall {
  readonly promise: Promise<unknown>
  readonly settled: boolean
  /** Hand one streamed message to the caller (ignored once settled). */
  deliver(message: unknown): void
  resolve(value: unknown): void
  reject(error: ClusterError): void
  /** Settle when the caller is ready to; runs `cleanup` once either way. */
  onSettled(cleanup: () => void): void
}

/**
 * `cancelRemote` runs when the caller gives up (timeout or abort) so the handler
 * can stop working; it is not run when the remote side itself ended the call.
 */
export function startPendingCall(
  node: string,
  method: string,
  options: CallOptions,
  cancelRemote: () => void,
): PendingCall {
  let settled = false
  const cleanups: Array<() => void> = []
  let resolvePromise!: (value: unknown) => void
  let rejectPromise!: (error: unknown) => void
  const promise = new Promise<unknown>((resolve, reject) => {
    resolvePromise = resolve
    rejectPromise = reject
  })

  const finish = (): void => {
    settled = true
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup()
      } catch {
        // A failing cleanup must not leave the call half-settled.
      }
    }
  }

  const pending: PendingCall = {
    promise,
    get settled() {
      return settled
    },
    deliver(message) {
      if (settled || !options.onMessage) return
      try {
        options.onMessage(message)
      } catch {
        // The caller's listener failing is the caller's problem, not the call's.
      }
    },
    resolve(value) {
      if (settled) return
      finish()
      resolvePromise(value)
    },
    reject(error) {
      if (settled) return
      finish()
      rejectPromise(error)
    },
    onSettled(cleanup) {
      if (settled) cleanup()
      else cleanups.push(cleanup)
    },
  }

  const giveUp = (error: ClusterError): void => {
    if (settled) return
    pending.reject(error)
    cancelRemote()
  }

  if (options.timeout !== undefined) {
    const timer = setTimeout(
      () =>
        giveUp(new ClusterError('timeout', `${method} on ${node} took longer than ${options.timeout} ms`)),
      options.timeout,
    )
    pending.onSettled(() => clearTimeout(timer))
  }

  const signal = options.signal
  if (signal) {
    const onAbort = (): void => giveUp(new ClusterError('aborted', `${method} on ${node} was aborted`))
    if (signal.aborted) queueMicrotask(onAbort)
    else {
      signal.addEventListener('abort', onAbort, { once: true })
      pending.onSettled(() => signal.removeEventListener('abort', onAbort))
    }
  }

  return pending
}

/** Errors thrown by handlers travel as plain data; this is their shape on the wire. */
export interface RemoteErrorData {
  message: string
  stack?: string
  name?: string
  code?: string
}

export function describeThrown(thrown: unknown): RemoteErrorData {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code
    return {
      message: thrown.message,
      stack: thrown.stack,
      name: thrown.name,
      ...(typeof code === 'string' ? { code } : {}),
    }
  }
  return { message: String(thrown) }
}

export function remoteError(node: string, method: string, data: RemoteErrorData): ClusterError {
  return new ClusterError('remote_error', `${method} on ${node} failed: ${data.message}`, {
    remote: { message: data.message, stack: data.stack, name: data.name, code: data.code },
  })
}
