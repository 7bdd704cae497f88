/**
 * Where finished and running tests are kept so that a permalink still answers after the
 * live run has been forgotten. The interface is async and small so that a database
 * (SQLite by default, PostgreSQL at scale) can fill it later without touching callers.
 *
 *   const store = new MemoryTestStore({ capacity: 1000 })
 *   await store.save(test)            // insert or replace by id
 *   await store.get(test.id)          // → the test, or null
 */
import type { SpeedTest } from './model.ts'

export interface TestStore {
  save(test: SpeedTest): Promise<void>
  get(id: string): Promise<SpeedTest | null>
  /** Most recent first. */
  recent(limit: number): Promise<SpeedTest[]>
}

/** Keeps the most recent `capacity` tests; the oldest are dropped first. */
export class MemoryTestStore implements TestStore {
  readonly #tests = new Map<string, SpeedTest>()
  readonly #capacity: number

  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 1000
  }

  async save(test: SpeedTest): Promise<void> {
    this.#tests.delete(test.id)
    this.#tests.set(test.id, structuredClone(test))
    while (this.#tests.size > this.#capacity) {
      const oldest = this.#tests.keys().next().value
      if (oldest === undefined) break
      this.#tests.delete(oldest)
    }
  }

  async get(id: string): Promise<SpeedTest | null> {
    const test = this.#tests.get(id)
    return test ? structuredClone(test) : null
  }

  async recent(limit: number): Promise<SpeedTest[]> {
    return [...this.#tests.values()]
      .reverse()
      .slice(0, limit)
      .map((test) => structuredClone(test))
  }
}
