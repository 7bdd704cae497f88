/**
 * The runner-process entry point: serve the parent named in `FLAME_PARENT`, over
 * whatever link the record names — NATS when it carries `link` (a runner on a machine
 * of its own: it dials out, nothing else inherited), else the IPC channel of the
 * ProcessBackend that spawned it.
 *
 *   // the app's `runner` command
 *   import './tasks.ts'                     // defineTask(...) calls
 *   await startRunner({
 *     // FLAME's system_shutdown: how this machine goes away once resources are disposed
 *     systemShutdown: (code) => process.exit(code),
 *   })
 *
 * It returns once the link is set up; the runner then serves until told to stop, until
 * it idles away, or until its parent is gone (IPC closed, pings stopped, nothing heard
 * within the failsafe time), and then disposes its resources and calls
 * `systemShutdown` (default: exit the process, which on a cloud machine with
 * `auto_destroy` or a pod with `restartPolicy: Never` ends the machine too). SIGTERM,
 * SIGINT and SIGHUP stop it the same way.
 *
 * A record from a parent of another protocol version is refused with a clear error
 * (and, when the record says how, the parent is told, so its boot fails fast).
 */

import type { ClosableParentChannel } from './backend.ts'
import { ipcParentChannel } from './backends/process.ts'
import { type RunnerHost, serveRunner } from './host.ts'
import { PARENT_ENV, Parent, type ParentInfo, ParentVersionError } from './parent.ts'
import type { TaskRegistry } from './task.ts'

export interface StartRunnerOptions {
  tasks?: TaskRegistry
  log?: (line: string) => void
  /** Per-resource dispose bound in ms. Default 10 s. */
  disposeTimeout?: number
  /**
   * The last step of every stop, after resources are disposed and the parent told —
   * FLAME's `system_shutdown`. Default: `process.exit(code)`.
   */
  systemShutdown?: (code: number, reason: string) => void | Promise<void>
  /** Where the record comes from. Default `process.env`. */
  env?: NodeJS.ProcessEnv
}

/** Throws when this process was not started by a pool, or by a parent of another protocol version. */
export async function startRunner(options: StartRunnerOptions = {}): Promise<RunnerHost> {
  const env = options.env ?? process.env
  let parent: ParentInfo | null
  try {
    parent = Parent.get(env)
  } catch (err) {
    if (err instanceof ParentVersionError) await tellParentOfMismatch(err)
    throw err
  }
  if (!parent) throw new Error(`startRunner: this process was not started by a FLAME pool (no ${PARENT_ENV})`)
  const runnerId = parent.runnerId
  const log = options.log ?? ((line: string) => process.stderr.write(`[flame runner=${runnerId}] ${line}\n`))
  const systemShutdown = options.systemShutdown ?? ((code: number) => process.exit(code))

  let channel: ClosableParentChannel
  let exitCode = 0
  if (parent.link) {
    // Loaded only for a runner linked over NATS: one over IPC never loads the NATS client.
    const { natsParentChannel } = await import('./nats-channel.ts')
    const nats = natsParentChannel({ ...parent, link: parent.link }, { log })
    channel = nats
    channel.onDisconnect(() => {
      if (nats.refused) exitCode = 1
    })
  } else {
    const ipc = ipcParentChannel()
    if (!ipc)
      throw new Error(`startRunner: ${PARENT_ENV} names no network link and this process has no IPC channel`)
    channel = ipc
  }
  const link = channel
  const host = serveRunner({
    channel: link,
    parent,
    log,
    pid: process.pid,
    ...(options.tasks ? { tasks: options.tasks } : {}),
    ...(options.disposeTimeout ? { disposeTimeout: options.disposeTimeout } : {}),
    exit: (reason) => {
      void (async () => {
        try {
          await link.close(exitCode, reason)
        } finally {
          await systemShutdown(exitCode, reason)
        }
      })()
    },
  })

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => void host.stop(signal, 0))
  }
  process.on('uncaughtException', (err) => {
    log(`uncaught exception: ${err?.stack ?? err}`)
    exitCode = 70
    void host.stop('uncaught exception', 0)
  })
  process.on('unhandledRejection', (reason) => {
    log(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`)
  })
  return host
}

/** A parent of another version cannot be served, but it can be told why its runner will not come. */
async function tellParentOfMismatch(err: ParentVersionError): Promise<void> {
  const { record } = err
  const link = record.link
  const text = (v: unknown): string => (typeof v === 'string' ? v : '')
  if (typeof link !== 'object' || link === null) return
  const servers = Reflect.get(link, 'servers')
  const info = {
    v: 0,
    parentId: text(record.parentId),
    runnerId: text(record.runnerId),
    pool: '?',
    backend: '?',
    heartbeatMs: 1000,
    parentTimeoutMs: 2000,
    failsafeMs: 2000,
    link: {
      kind: 'nats' as const,
      servers: Array.isArray(servers) ? servers.map(text) : [],
      token: text(Reflect.get(link, 'token')),
      subjectPrefix: text(Reflect.get(link, 'subjectPrefix')),
    },
  }
  if (!info.parentId || !info.runnerId || info.link.servers.length === 0) return
  const { natsParentChannel } = await import('./nats-channel.ts')
  const channel = natsParentChannel(info, {})
  // the hello carries this runner's version; the parent answers with a refusal
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000)
    channel.onDisconnect(() => {
      clearTimeout(timer)
      resolve()
    })
  })
  await channel.close(1, 'protocol version mismatch')
}
