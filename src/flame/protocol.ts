/**
 * The wire protocol between a pool (the parent) and one runner.
 *
 * Every backend carries exactly these messages, as structured-cloneable objects, in
 * order, in both directions — over an in-memory queue (LocalBackend), a Node IPC channel
 * (ProcessBackend) or, for a cloud backend, a socket. A whole call looks like:
 *
 *   parent → runner   { t: 'run', id: 7, task: 'thumbnail', input: {...}, timeout: 29950 }
 *   runner → parent   { t: 'msg', id: 7, data: { status: 'browser started' } }   (0..n)
 *   runner → parent   { t: 'ok',  id: 7, value: ... }   or   { t: 'err', id: 7, code, error }
 *
 * `ok`/`err` also mean "the task has ended on the runner": only then is the slot free.
 * The parent pings every `heartbeatMs`; a runner that stops hearing from it exits.
 */

import type { RemoteErrorInfo } from './errors.ts'

/** Messages from the pool to a runner. */
export type ToRunner =
  /** Run `task` with `input`; abort it after `timeout` ms (a relative time: clocks differ across machines). */
  | { t: 'run'; id: number; task: string; input: unknown; timeout: number }
  /** The caller gave up: abort the task's signal. */
  | { t: 'cancel'; id: number; reason: 'timeout' | 'aborted' }
  /** Liveness; the runner exits when these stop. */
  | { t: 'ping' }
  /** Finish running tasks within `timeout` ms, dispose resources, exit. */
  | { t: 'shutdown'; reason: string; timeout: number }

export type ErrCode = 'remote_error' | 'timeout' | 'aborted' | 'unknown_task' | 'shutdown' | 'not_cloneable'

/** Messages from a runner to the pool. */
export type FromRunner =
  /** Sent once, when the runner can take work. `pid` only when it is a process of its own. */
  | { t: 'ready'; runnerId: string; pid?: number; tasks: string[] }
  | { t: 'msg'; id: number; data: unknown }
  | { t: 'ok'; id: number; value: unknown }
  | { t: 'err'; id: number; code: ErrCode; error: RemoteErrorInfo }
  /** The runner is exiting on its own accord (signal, lost parent, shutdown done). */
  | { t: 'bye'; reason: string }

const FROM_RUNNER = new Set(['ready', 'msg', 'ok', 'err', 'bye'])
const TO_RUNNER = new Set(['run', 'cancel', 'ping', 'shutdown'])

function tagOf(value: unknown): string {
  const t = typeof value === 'object' && value !== null ? Reflect.get(value, 't') : undefined
  return typeof t === 'string' ? t : ''
}

/** A message that arrived over a link: is it one a runner sends? (The shape beyond `t` is the peer's contract.) */
export function isFromRunner(value: unknown): value is FromRunner {
  return FROM_RUNNER.has(tagOf(value))
}

/** A message that arrived over a link: is it one a pool sends? */
export function isToRunner(value: unknown): value is ToRunner {
  return TO_RUNNER.has(tagOf(value))
}
