/**
 * A backend is how a pool gets runners: it boots one somewhere and hands back a
 * connection that carries the protocol (see `protocol.ts`) and reports the runner's exit.
 *
 * The five things a pool ever does to a runner map onto this small interface:
 *
 *   boot a runner      backend.boot(spec)                         → RunnerConnection
 *   send work          conn.send({ t: 'run', id, task, input, timeout })
 *   cancel             conn.send({ t: 'cancel', id, reason })
 *   shut down          conn.send({ t: 'shutdown', reason, timeout }), then conn.kill() if it lingers
 *   observe exit       conn.onExit((exit) => ...)
 *
 * The runner side is the same everywhere: `serveRunner` (host.ts) over a
 * `ParentChannel`. So a new backend is one file. A cloud backend (Fly.io Machines,
 * Kubernetes) would: create a machine running the app's `runner` command with
 * `FLAME_PARENT=Parent.encode(spec.parent)` (plus a dial-back address in `extra`),
 * accept the runner's socket, adapt it to a RunnerConnection, and destroy the machine
 * in `kill()` and when it exits:
 *
 *   class FlyBackend implements Backend {
 *     readonly name = 'fly'
 *     async boot(spec: BootSpec): Promise<RunnerConnection> {
 *       const machine = await this.api.createMachine({ env: { [PARENT_ENV]: Parent.encode(spec.parent) } })
 *       const socket = await this.acceptDialBack(spec.runnerId, spec.signal)
 *       return socketConnection(socket, () => this.api.destroy(machine.id))
 *     }
 *   }
 *
 * Contract for implementations:
 * - `boot` resolves once the runner is *started* (the pool then waits for its `ready`
 *   message, bounded by `bootTimeout`); it rejects if it cannot start one. If
 *   `spec.signal` aborts, give up and clean up.
 * - `send` never throws for a dead runner (drop the message; the exit will be reported),
 *   but may throw if the message cannot be serialized.
 * - Messages are delivered in order, each at most once.
 * - `onExit` fires exactly once, after every message the runner sent has been delivered.
 * - `kill` stops the runner hard (SIGKILL, destroy the machine); the exit still fires.
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
}

export interface RunnerConnection {
  send(message: ToRunner): void
  onMessage(listener: (message: FromRunner) => void): void
  onExit(listener: (exit: RunnerExit) => void): void
  kill(): void
}

export interface Backend {
  /** Short name for logs and `ParentInfo.backend`. */
  readonly name: string
  boot(spec: BootSpec): Promise<RunnerConnection>
}

/** The runner side's view of its parent: whatever carries the protocol the other way. */
export interface ParentChannel {
  /** May throw if the message cannot be serialized. */
  send(message: FromRunner): void
  onMessage(listener: (message: ToRunner) => void): void
  /** The link to the parent is gone for good (IPC closed, socket dropped). */
  onDisconnect(listener: () => void): void
}

export function describeExit(exit: RunnerExit): string {
  if (exit.signal) return `signal ${exit.signal}`
  return `exit code ${exit.code ?? '?'}`
}
