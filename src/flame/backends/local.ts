/**
 * LocalBackend: runners inside the calling process — for tests and the simplest dev setup.
 *
 * Each runner is a real `serveRunner` host with its own Terminator, resources and
 * deadlines, joined to the pool by an in-memory channel. Messages are structured-cloned
 * and delivered asynchronously, in order, as over a real boundary, so code that works
 * here does not rely on sharing objects with the runner. What it cannot give is
 * isolation: a task that blocks the event loop blocks the caller too.
 *
 *   const pool = new Pool({ name: 'dev', backend: new LocalBackend(), max: 2 })
 *
 * `bootDelay` simulates a machine's boot time; `kill(runnerId)` simulates kill -9
 * (the pool sees the runner vanish; the runner's tasks are aborted and its resources
 * disposed in the background).
 */

import type { Backend, BootSpec, ParentChannel, RunnerConnection, RunnerExit } from '../backend.ts'
import { serveRunner } from '../host.ts'
import type { FromRunner, ToRunner } from '../protocol.ts'
import type { TaskRegistry } from '../task.ts'

export interface LocalBackendOptions {
  /** Simulated boot latency in ms. Default 0. */
  bootDelay?: number
  /** Where runners look tasks up. Default: every `defineTask`. */
  tasks?: TaskRegistry
  log?: (line: string) => void
}

export class LocalBackend implements Backend {
  readonly name = 'local'
  private readonly links = new Map<string, LocalLink>()

  constructor(private readonly options: LocalBackendOptions = {}) {}

  async boot(spec: BootSpec): Promise<RunnerConnection> {
    const delay = this.options.bootDelay ?? 0
    if (delay > 0) await sleep(delay, spec.signal)
    spec.signal.throwIfAborted()
    const link = new LocalLink()
    this.links.set(spec.runnerId, link)
    link.onExit(() => this.links.delete(spec.runnerId))
    const hostOptions: Parameters<typeof serveRunner>[0] = {
      channel: link.runnerSide,
      parent: spec.parent,
      exit: () => link.exited({ code: 0, signal: null }),
    }
    if (this.options.tasks) hostOptions.tasks = this.options.tasks
    if (this.options.log) hostOptions.log = this.options.log
    // Start the host after the pool has attached its listeners (boot resolves first).
    queueMicrotask(() => serveRunner(hostOptions))
    return link
  }

  /** Simulate kill -9 of a runner. Returns false if no such live runner. */
  kill(runnerId: string): boolean {
    const link = this.links.get(runnerId)
    if (!link) return false
    void link.kill()
    return true
  }
}

class LocalLink implements RunnerConnection {
  private toParent: ((m: FromRunner) => void) | undefined
  /** Messages the runner sent before the pool attached its listener. */
  private early: FromRunner[] = []
  private toRunner: ((m: ToRunner) => void) | undefined
  private disconnect: (() => void) | undefined
  private exitListeners: ((exit: RunnerExit) => void)[] = []
  private exitInfo: RunnerExit | undefined

  readonly runnerSide: ParentChannel = {
    send: (m) => {
      const copy = structuredClone(m)
      queueMicrotask(() => {
        if (this.exitInfo) return
        if (this.toParent) this.toParent(copy)
        else this.early.push(copy)
      })
    },
    onMessage: (listener) => {
      this.toRunner = listener
    },
    onDisconnect: (listener) => {
      this.disconnect = listener
    },
  }

  send(m: ToRunner): void {
    if (this.exitInfo) return
    const copy = structuredClone(m)
    queueMicrotask(() => {
      if (!this.exitInfo) this.toRunner?.(copy)
    })
  }

  onMessage(listener: (m: FromRunner) => void): void {
    this.toParent = listener
    for (const m of this.early.splice(0)) listener(m)
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo)
    else this.exitListeners.push(listener)
  }

  async kill(): Promise<void> {
    if (this.exitInfo) return
    this.early = []
    this.report({ code: null, signal: 'SIGKILL' })
    // An in-process "runner" cannot be killed: tell it its parent link closed, so it
    // aborts its tasks and disposes its resources on its own. Its messages are dropped.
    this.disconnect?.()
  }

  /** The runner left by itself; report it after the messages already in flight. */
  exited(exit: RunnerExit): void {
    queueMicrotask(() => this.report(exit))
  }

  private report(exit: RunnerExit): void {
    if (this.exitInfo) return
    this.exitInfo = exit
    for (const listener of this.exitListeners.splice(0)) listener(exit)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
