/**
 * What a runner knows about the pool that started it — FLAME's `FLAME.Parent`.
 *
 * A backend hands this to every runner it boots: in the `FLAME_PARENT` environment
 * variable for a process or a cloud machine, directly for an in-process runner. It tells
 * the runner its id and how to watch its parent (heartbeat, failsafe). It also lets app
 * code know it is running *as a runner*, to skip what a runner does not need:
 *
 *   if (Parent.get()) {
 *     await import('./tasks.ts')   // register tasks
 *     await startRunner()          // serve the parent; no HTTP server here
 *   } else {
 *     startWebServer()
 *   }
 *
 * A pool created inside a runner starts with `min: 0`, so runners never boot runners
 * just by starting.
 */

export const PARENT_ENV = 'FLAME_PARENT'

export interface ParentInfo {
  /** The id the pool gave this runner. */
  runnerId: string
  /** The pool's name (for logs). */
  pool: string
  /** Which backend started the runner. */
  backend: string
  /** The parent pings this often. */
  heartbeatMs: number
  /** Exit when nothing was heard from the parent for this long. */
  parentTimeoutMs: number
  /** Exit when nothing at all was heard from the parent this long after start. */
  failsafeMs: number
  /** Backend-specific data, e.g. the address a cloud runner dials back to. */
  extra?: Record<string, unknown>
}

export const Parent = {
  encode(info: ParentInfo): string {
    return Buffer.from(JSON.stringify(info)).toString('base64url')
  },

  decode(encoded: string): ParentInfo {
    const info = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as ParentInfo
    if (typeof info?.runnerId !== 'string') throw new Error(`${PARENT_ENV} is not a FLAME parent record`)
    return info
  },

  /** The parent of this process, or null when this process is not a runner. */
  get(env: NodeJS.ProcessEnv = process.env): ParentInfo | null {
    const encoded = env[PARENT_ENV]
    return encoded ? Parent.decode(encoded) : null
  },
}
