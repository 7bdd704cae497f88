/**
 * ProcessBackend: each runner is a child process of the pool's process, joined by a
 * Node IPC channel with `serialization: 'advanced'` (structured clone: Dates, Maps,
 * typed arrays and errors cross intact).
 *
 * The child is the same app started in runner mode: it imports its task modules and
 * calls `startRunner()`, which serves the parent over IPC until told to stop, until it
 * idles away, or until the parent is gone — the IPC channel closes when the parent dies,
 * even by kill -9, and the runner then disposes its resources (closes its browser) and
 * exits. SIGTERM, SIGINT and SIGHUP do the same.
 *
 *   // parent
 *   const backend = new ProcessBackend({ args: ['bin/wps.mjs', 'runner'] })   // command defaults to node
 *   const pool = new Pool({ name: 'browser', backend, max: 2, maxConcurrency: 1 })
 *
 *   // the app's `runner` command
 *   await import('../browser/tasks.ts')   // defineTask(...) calls
 *   await startRunner()                   // start-runner.ts: over IPC here, as the parent record has no link
 *
 * The child's stdout goes to the parent's stderr by default, so a runner's chatter never
 * mixes into a parent that prints data on stdout.
 *
 * `nice` runs the runner at a lower CPU priority than the parent (Unix niceness, 0–19):
 * set on the child as soon as it exists, before it starts any work, so what it launches
 * (a browser) inherits it. A parent that serves people (HTTP, live events) then keeps its
 * event loop on time while the runners' work waits for spare CPU. A child of root could
 * take the priority back (Chromium sets its UI and compositor threads to −8 and its other
 * threads to 0 whenever it may), so a root parent starts it through util-linux `setpriv`
 * without CAP_SYS_NICE: the child and everything it starts can only go lower.
 *
 *   new ProcessBackend({ args: ['bin/wps.mjs', 'runner'], nice: 10 })
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'
import type { Backend, BootSpec, ClosableParentChannel, RunnerConnection, RunnerExit } from '../backend.ts'
import { PARENT_ENV, Parent } from '../parent.ts'
import { type FromRunner, isFromRunner, isToRunner, type ToRunner } from '../protocol.ts'

export interface ProcessBackendOptions {
  /** Executable. Default: this Node (`process.execPath`). */
  command?: string
  /** Arguments that start the app in runner mode, e.g. `['--import', 'tsx', 'runner.ts']`. */
  args: string[]
  /** Extra environment (on top of this process's). `FLAME_PARENT` is added. */
  env?: Record<string, string | undefined>
  cwd?: string
  /** Where the child's stdout goes. Default `'stderr'` (the parent's stderr). */
  stdout?: 'stderr' | 'inherit' | 'ignore'
  /** Where the child's stderr goes. Default `'inherit'`. */
  stderr?: 'inherit' | 'ignore'
  /** Niceness added to the child (0–19; its browser inherits it). Default 0: the parent's priority. */
  nice?: number
}

export class ProcessBackend implements Backend {
  readonly name = 'process'

  constructor(private readonly options: ProcessBackendOptions) {}

  boot(spec: BootSpec): Promise<RunnerConnection> {
    const o = this.options
    const stdout = o.stdout === 'inherit' ? 'inherit' : o.stdout === 'ignore' ? 'ignore' : 2
    const [command, args] = o.nice
      ? withoutPriorityRaise(o.command ?? process.execPath, o.args)
      : [o.command ?? process.execPath, o.args]
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env, [PARENT_ENV]: Parent.encode(spec.parent) },
      stdio: ['ignore', stdout, o.stderr ?? 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        child.kill('SIGKILL')
        reject(spec.signal.reason)
      }
      child.once('error', (err) => {
        spec.signal.removeEventListener('abort', onAbort)
        reject(err)
      })
      child.once('spawn', () => {
        spec.signal.removeEventListener('abort', onAbort)
        if (o.nice && child.pid !== undefined) lowerPriority(child.pid, o.nice)
        resolve(new ProcessLink(child))
      })
      spec.signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}

const SETPRIV = '/usr/bin/setpriv'

/** As root, the command started without CAP_SYS_NICE (in its bounding set, so for good). */
function withoutPriorityRaise(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0 || !existsSync(SETPRIV)) return [command, args]
  return [SETPRIV, ['--bounding-set=-sys_nice', command, ...args]]
}

/**
 * Lowers a new child's priority. On Linux niceness is per thread and a thread inherits it
 * from the one that creates it: every thread the child has already is lowered, and
 * everything it starts later (its browser, from the main thread) starts lowered.
 */
function lowerPriority(pid: number, nice: number): void {
  // Relative to the parent's own niceness: the runner always comes after the parent.
  const niceness = Math.min(19, getPriority() + Math.max(0, Math.round(nice)))
  let threads: number[] = [pid]
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number)
  } catch {
    // not Linux, or already gone: the process alone
  }
  for (const thread of threads) {
    try {
      setPriority(thread, niceness)
    } catch {
      // gone already, or not allowed: the runner runs at the parent's priority
    }
  }
}

class ProcessLink implements RunnerConnection {
  private exitInfo: RunnerExit | undefined
  private readonly exitListeners: ((exit: RunnerExit) => void)[] = []

  constructor(private readonly child: ChildProcess) {
    // 'close' comes after 'exit' and after the IPC channel is closed: every message is in.
    child.once('close', (code, signal) => {
      this.exitInfo = { code, signal }
      for (const listener of this.exitListeners.splice(0)) listener(this.exitInfo)
    })
    child.on('error', () => {
      // send/kill failures on a dying child; 'close' reports the end
    })
  }

  send(message: ToRunner): void {
    if (!this.child.connected) return
    // Serialization errors throw synchronously; transport errors go to the callback.
    this.child.send(message, undefined, {}, () => {})
  }

  onMessage(listener: (message: FromRunner) => void): void {
    this.child.on('message', (m) => {
      if (isFromRunner(m)) listener(m)
    })
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo)
    else this.exitListeners.push(listener)
  }

  async kill(): Promise<void> {
    if (this.exitInfo === undefined) this.child.kill('SIGKILL')
  }
}

/**
 * The runner side of the IPC link: this process's channel to the parent that spawned it,
 * or null when it has no IPC channel.
 */
export function ipcParentChannel(): ClosableParentChannel | null {
  const send = process.send?.bind(process)
  if (!send) return null
  return {
    send: (message) => {
      if (process.connected) send(message, undefined, {}, () => {})
    },
    onMessage: (listener) =>
      process.on('message', (m) => {
        if (isToRunner(m)) listener(m)
      }),
    onDisconnect: (listener) => process.once('disconnect', listener),
    // let what was already sent over IPC be flushed (bounded) before the process goes
    close: () =>
      new Promise<void>((resolve) => {
        if (!process.connected) return resolve()
        const timer = setTimeout(resolve, 1_000)
        timer.unref()
        send({ t: 'bye', reason: 'exit' } satisfies FromRunner, undefined, {}, () => {
          clearTimeout(timer)
          resolve()
        })
      }),
  }
}
