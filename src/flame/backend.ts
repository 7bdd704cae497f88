/**
 * A backend is how a pool gets runners: it boots one somewhere and hands back a
 * connection that carries the protocol (see `protocol.ts`) and reports how the runner
 * went away — it exited, or the link to it was lost.
 *
 * The five things a pool ever does to a runner map onto this small interface:
 *
 *   boot a runner      backend.boot(spec)                         → RunnerConnection
 *   send work          conn.send({ t: 'run', id, task, input, timeout })
 *   cancel             conn.send({ t: 'cancel', id, reason })
 *   shut down          conn.send({ t: 'shutdown', reason, timeout }), then conn.kill() if it lingers
 *   observe the end    conn.onExit((exit) => ...)   // { code, signal } or { lost: 'no heartbeat for 3000 ms' }
 *
 * The runner side is the same everywhere: `serveRunner` (host.ts) over a
 * `ParentChannel`. A backend on other machines need not carry the protocol at all:
 * `MachineBackend` (backends/machine.ts) joins runners to their parent over NATS
 * (`NatsLink`), so a cloud backend is only "create a machine with this environment" and
 * "destroy that machine":
 *
 *   const backend = new MachineBackend({
 *     name: 'fly',
 *     link,                                        // await NatsLink.listen({ servers })
 *     machines: {
 *       create: ({ runnerId, env, signal }) => api.createMachine({ env, signal }),   // → { id }
 *       destroy: (machine) => api.destroyMachine(machine.id),                        // retried on failure
 *     },
 *   })
 *
 * Contract for implementations:
 * - `boot` resolves once the runner is *started* (the pool then waits for its `ready`
 *   message, bounded by `bootTimeout`); it rejects if it cannot start one. If
 *   `spec.signal` aborts, give up and clean up (destroy what was created).
 * - `send` never throws for a dead runner (drop the message; the end will be reported),
 *   but may throw if the message cannot be serialized.
 * - Messages are delivered in order, each at most once, whatever their size.
 * - `onExit` fires exactly once, after every message the runner sent has been delivered:
 *   with `code`/`signal` when the runner ended (exited, was killed, said goodbye), with
 *   `lost` when the backend can only say the link is gone (heartbeats stopped, frames
 *   went missing). Either way the calls on it fail with `runner_lost`.
 * - `kill` stops the runner hard (SIGKILL, destroy the machine). It is asynchronous and
 *   may fail (a cloud API down); the backend retries it and rejects only when it gave
 *   up. The exit still fires.
 * - `drain` (optional) resolves when every runner the backend started is really gone
 *   (machines destroyed, retries done); `pool.shutdown()` waits for it.
 */

import type { ParentInfo } from './parent.ts'
import type { FromRunner, ToRunner } from './protocol.ts'

export interface BootSpec {
  runnerId: string
  /** Must reach the runner (env `FLAME_PARENT` for processes and machines). */
  parent: ParentInfo
  /** Aborted when the pool gives up on this boot (timeout, shutdown). */
  signal: AbortSignal
}

export interface RunnerExit {
  /** Exit code, when the runner exited on its own. */
  code: number | null
  /** Signal or hard-kill cause (e.g. `SIGKILL`), when it was killed. */
  signal: string | null
  /** Set when the runner was not seen to end, only lost: why the link counts as gone. */
  lost?: string
}

export interface RunnerConnection {
  send(message: ToRunner): void
  onMessage(listener: (message: FromRunner) => void): void
  onExit(listener: (exit: RunnerExit) => void): void
  /** Hard stop; resolves once the runner is gone (retried inside), rejects if the backend gave up. */
  kill(): Promise<void>
}

export interface Backend {
  /** Short name for logs and `ParentInfo.backend`. */
  readonly name: string
  boot(spec: BootSpec): Promise<RunnerConnection>
  /** Resolves when every runner this backend started is gone (destroys retried). */
  drain?(): Promise<void>
}

/** The runner side's view of its parent: whatever carries the protocol the other way. */
export interface ParentChannel {
  /** May throw if the message cannot be serialized. */
  send(message: FromRunner): void
  onMessage(listener: (message: ToRunner) => void): void
  /** The link to the parent is gone for good (IPC closed, heartbeats stopped). */
  onDisconnect(listener: () => void): void
}

/** A channel the runner closes itself when it leaves: a last word to the parent, flushed (bounded). */
export interface ClosableParentChannel extends ParentChannel {
  close(code: number, reason: string): Promise<void>
}

export function describeExit(exit: RunnerExit): string {
  if (exit.lost) return `link lost: ${exit.lost}`
  if (exit.signal) return `signal ${exit.signal}`
  return `exit code ${exit.code ?? '?'}`
}
