/**
 * The runner side: serve a parent's calls over any `ParentChannel`.
 *
 * `serveRunner` is what every runner runs, whatever started it: the LocalBackend calls
 * it in-process, `startRunner()` calls it in a child process over IPC, a cloud runner
 * would call it over a socket. It announces `ready` (with the task names it knows),
 * runs each `run` by looking the task up by name, streams `ctx.send` messages, answers
 * `ok`/`err`, and leaves the watching and stopping to the Terminator.
 *
 *   const host = serveRunner({
 *     channel,                          // carries the protocol to and from the parent
 *     parent,                           // ParentInfo: runner id, heartbeat, failsafe
 *     exit: () => process.exit(0),      // how this runner leaves, after disposing resources
 *   })
 *   process.once('SIGTERM', () => host.stop('SIGTERM'))
 */

import type { ParentChannel } from './backend.ts'
import { FlameError, serializeError } from './errors.ts'
import type { ParentInfo } from './parent.ts'
import type { ErrCode, FromRunner, ToRunner } from './protocol.ts'
import { Resources } from './resources.ts'
import { tasks as defaultTasks, type TaskContext, type TaskRegistry } from './task.ts'
import { Terminator } from './terminator.ts'

export interface ServeRunnerOptions {
  channel: ParentChannel
  parent: ParentInfo
  /** Leave; called once, after resources are disposed. */
  exit(reason: string): void
  /** Where tasks are looked up; defaults to everything `defineTask` registered. */
  tasks?: TaskRegistry
  /** Reported in `ready` when the runner is a process of its own. */
  pid?: number
  /** Per-resource dispose bound (ms). Default 10 s. */
  disposeTimeout?: number
  log?: (line: string) => void
}

export interface RunnerHost {
  readonly runnerId: string
  /** Graceful stop: running calls get `drainMs` (default 0) to finish; then dispose and exit. */
  stop(reason: string, drainMs?: number): Promise<void>
  /** Calls currently running. */
  readonly active: number
}

export function serveRunner(options: ServeRunnerOptions): RunnerHost {
  const { channel, parent } = options
  const registry = options.tasks ?? defaultTasks
  const log = options.log ?? ((line: string) => console.error(`[flame runner=${parent.runnerId}] ${line}`))
  const resources = new Resources(log)
  const disposeTimeout = options.disposeTimeout ?? 10_000
  let said = false

  const send = (message: FromRunner): void => {
    if (said) return
    channel.send(message)
  }

  const terminator = new Terminator({
    heartbeatMs: parent.heartbeatMs,
    parentTimeoutMs: parent.parentTimeoutMs,
    failsafeMs: parent.failsafeMs,
    log,
    dispose: () => resources.disposeAll(disposeTimeout),
    exit: (reason) => {
      try {
        send({ t: 'bye', reason })
      } catch {
        // the channel is gone; nothing to tell
      }
      said = true
      options.exit(reason)
    },
  })

  const fail = (id: number, code: ErrCode, error: unknown): void => {
    send({ t: 'err', id, code, error: serializeError(error) })
  }

  const run = (m: Extract<ToRunner, { t: 'run' }>): void => {
    if (terminator.stopping) {
      fail(m.id, 'shutdown', new Error(`runner ${parent.runnerId} is stopping`))
      return
    }
    const task = registry.get(m.task)
    if (!task) {
      fail(m.id, 'unknown_task', new Error(`runner ${parent.runnerId} has no task named "${m.task}"`))
      return
    }
    const controller = terminator.track(m.id, m.timeout)
    let ended = false
    const ctx: TaskContext = {
      runnerId: parent.runnerId,
      signal: controller.signal,
      send: (data) => {
        if (!ended) send({ t: 'msg', id: m.id, data })
      },
      resource: (key, create, dispose) => resources.get(key, create, dispose),
      dropResource: (key) => resources.drop(key, disposeTimeout),
    }
    void (async () => {
      let reply: FromRunner
      try {
        reply = { t: 'ok', id: m.id, value: await task.run(m.input, ctx) }
      } catch (err) {
        const reason = controller.signal.reason
        const code: ErrCode =
          controller.signal.aborted && reason instanceof FlameError && isErrCode(reason.code)
            ? reason.code
            : 'remote_error'
        reply = { t: 'err', id: m.id, code, error: serializeError(err) }
      }
      ended = true
      try {
        send(reply)
      } catch (err) {
        fail(
          m.id,
          'not_cloneable',
          new Error(`task "${m.task}" returned a value that cannot be sent: ${err}`),
        )
      }
      terminator.untrack(m.id)
    })()
  }

  channel.onMessage((m) => {
    terminator.heard()
    switch (m.t) {
      case 'run':
        return run(m)
      case 'cancel':
        return terminator.cancel(
          m.id,
          new FlameError(m.reason, m.reason === 'timeout' ? 'call deadline passed' : 'caller aborted'),
        )
      case 'shutdown':
        void terminator.stop(m.reason, m.timeout)
        return
      case 'ping':
        return
    }
  })
  channel.onDisconnect(() => terminator.parentGone('link to parent closed'))

  const ready: FromRunner = { t: 'ready', runnerId: parent.runnerId, tasks: [...registry.keys()] }
  if (options.pid !== undefined) ready.pid = options.pid
  send(ready)

  return {
    runnerId: parent.runnerId,
    stop: (reason, drainMs = 0) => terminator.stop(reason, drainMs),
    get active() {
      return terminator.active
    },
  }
}

function isErrCode(code: string): code is ErrCode {
  return code === 'timeout' || code === 'aborted' || code === 'shutdown'
}
