/**
 * Resources: things a runner keeps warm between calls, disposed when it stops.
 *
 * The first call that asks for a key creates the value; calls that arrive while it is
 * being created wait for the same promise; later calls get it at once. A failed creation
 * is forgotten, so the next call tries again. When the runner shuts down — idle, lost
 * parent, SIGTERM — every resource is disposed, newest first, each bounded by a timeout,
 * so a warm Chromium never outlives its runner.
 *
 *   const { value: browser, created, ms } = await resources.get('chromium', launch, (b) => b.close())
 *   // created === true and ms ≈ 400 on a cold runner; false and ≈ 0 afterwards
 */

import { FlameError } from './errors.ts'
import type { Resource } from './task.ts'

interface Entry {
  promise: Promise<unknown>
  dispose: (value: unknown) => Promise<void>
}

export class Resources {
  private readonly entries = new Map<string, Entry>()
  private closed = false

  constructor(private readonly log: (line: string) => void = () => {}) {}

  get size(): number {
    return this.entries.size
  }

  async get<T>(
    key: string,
    create: () => Promise<T>,
    dispose: (value: T) => Promise<void>,
  ): Promise<Resource<T>> {
    if (this.closed)
      throw new FlameError('shutdown', `runner is shutting down; resource "${key}" unavailable`)
    const t0 = performance.now()
    const existing = this.entries.get(key)
    if (existing) {
      const value = (await existing.promise) as T
      return { value, created: false, ms: performance.now() - t0 }
    }
    const entry: Entry = {
      promise: Promise.resolve().then(create),
      dispose: dispose as (value: unknown) => Promise<void>,
    }
    this.entries.set(key, entry)
    try {
      const value = (await entry.promise) as T
      return { value, created: true, ms: performance.now() - t0 }
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
  }

  /** Dispose one resource now and forget it. */
  async drop(key: string, timeoutMs = 10_000): Promise<void> {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    await this.disposeEntry(key, entry, timeoutMs)
  }

  /** Dispose everything, newest first, and refuse new resources. */
  async disposeAll(timeoutMs = 10_000): Promise<void> {
    this.closed = true
    const all = [...this.entries].reverse()
    this.entries.clear()
    for (const [key, entry] of all) await this.disposeEntry(key, entry, timeoutMs)
  }

  private async disposeEntry(key: string, entry: Entry, timeoutMs: number): Promise<void> {
    let value: unknown
    try {
      value = await entry.promise
    } catch {
      return // never created: nothing to dispose
    }
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        Promise.resolve().then(() => entry.dispose(value)),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
        }),
      ])
    } catch (err) {
      this.log(`dispose of resource "${key}" failed: ${(err as Error)?.message ?? err}`)
    } finally {
      clearTimeout(timer)
    }
  }
}
