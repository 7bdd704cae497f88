/**
 * Tasks: the unit of work a pool runs on a runner.
 *
 * Elixir's FLAME ships a closure to another node. JavaScript cannot ship closures, so
 * the work is a *named, module-level function*. `defineTask` registers it under its
 * name; the runner process is the same app, imports the same modules, and so finds the
 * same function by name. Only the name and the (structured-cloneable) input cross the
 * wire.
 *
 *   // thumbnails.ts — imported by the web app AND by the runner entry point
 *   export const thumbnail = defineTask('thumbnail', async (input: { url: string }, ctx) => {
 *     const { value: browser, created, ms } = await ctx.resource('chromium', launch, (b) => b.close())
 *     if (created) ctx.send({ status: 'browser started', ms })  // streams back to the caller, in order
 *     return render(browser, input.url, ctx.signal)              // signal: caller aborted or deadline passed
 *   })
 *
 *   // caller side
 *   const png = await pool.call(thumbnail, { url }, { onMessage: (m) => console.log(m) })
 *
 * `ctx.resource` is how a runner keeps something warm between calls (one Chromium per
 * runner): created on first use, shared by every later call on that runner, and
 * disposed when the runner shuts down — idle, lost parent, SIGTERM alike.
 */

/** A per-runner resource as seen by one call. */
export interface Resource<T> {
  value: T
  /** True for the call whose request created it (a cold start). */
  created: boolean
  /** How long this call waited for it: creation time when created, else time spent waiting (usually 0). */
  ms: number
}

export interface TaskContext<M = unknown> {
  /** The runner this call runs on. */
  readonly runnerId: string
  /** Aborted when the caller aborts, the call's deadline passes, or the runner must stop. */
  readonly signal: AbortSignal
  /** Stream a message to the caller's `onMessage`; messages arrive in order, before the result. */
  send(message: M): void
  /** Get or lazily create the runner-wide resource `key`; `dispose` runs when the runner shuts down. */
  resource<T>(
    key: string,
    create: () => Promise<T>,
    dispose: (value: T) => Promise<void>,
  ): Promise<Resource<T>>
  /** Dispose and forget resource `key` (e.g. the browser crashed); the next `resource` call creates it anew. */
  dropResource(key: string): Promise<void>
}

export interface Task<I = unknown, O = unknown, M = unknown> {
  readonly name: string
  run(input: I, ctx: TaskContext<M>): Promise<O>
}

export type TaskFn<I, O, M> = (input: I, ctx: TaskContext<M>) => Promise<O>

/** A lookup of tasks by name. The default is the process-wide registry `defineTask` fills. */
export type TaskRegistry = ReadonlyMap<string, Task>

const registry = new Map<string, Task>()

/** Define and register a task. Call it at module top level so runners register it on import. */
export function defineTask<I, O, M = unknown>(name: string, run: TaskFn<I, O, M>): Task<I, O, M> {
  if (!name) throw new TypeError('defineTask: a task needs a name')
  const existing = registry.get(name)
  if (existing) {
    if (existing.run === run) return existing as Task<I, O, M>
    throw new Error(`defineTask: a different task named "${name}" is already defined`)
  }
  const task: Task<I, O, M> = { name, run }
  registry.set(name, task as Task)
  return task
}

/** The process-wide registry (read-only view). */
export const tasks: TaskRegistry = registry
