/**
 * What every conformance test stands on: the backend under test, a pool factory whose
 * pools are shut down after each test, a shared log, and helpers for waiting and for
 * asserting a `FlameError` code.
 *
 *   describe('FLAME conformance: local backend', () => {
 *     const { makePool, logs } = setUpSuite(target)   // registers afterEach / after
 *     it('…', async () => {
 *       const pool = makePool({ max: 2 })             // max 1, quiet logs, short shutdownTimeout otherwise
 *       await rejectsWith(pool.call(boom, { message: 'x' }), 'remote_error')
 *     })
 *   })
 */

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach } from 'node:test'
import type { Backend } from '../backend.ts'
import { FlameError } from '../errors.ts'
import { Pool, type PoolOptions } from '../pool.ts'
import type { Task } from '../task.ts'

export interface ConformanceTarget {
  name: string
  backend(): Backend
  /** Kill the runner as abruptly as the backend allows (kill -9 for a process). */
  kill(backend: Backend, pool: Pool, runnerId: string): void
}

export interface Suite {
  target: ConformanceTarget
  /** A pool over the target's backend, shut down after the test. */
  makePool(options?: Partial<PoolOptions>): Pool
  /** Every log line of every pool in the suite. */
  logs: string[]
  /** A scratch directory for marker files, removed after the suite. */
  dir: string
}

/** Call inside a `describe`: the hooks it registers clean up that describe's pools. */
export function setUpSuite(target: ConformanceTarget): Suite {
  const dir = mkdtempSync(join(tmpdir(), 'flame-test-'))
  const logs: string[] = []
  const pools = perTestPools((n) => ({
    name: `t${n}`,
    max: 1,
    idleShutdownAfter: 5_000,
    bootTimeout: 30_000,
    shutdownTimeout: 1_000,
    log: (line) => logs.push(line),
  }))
  after(() => rmSync(dir, { recursive: true, force: true }))
  return { target, makePool: (options = {}) => pools(target.backend(), options), logs, dir }
}

/**
 * A pool factory whose pools are shut down after each test of the describe (or file)
 * that calls it: `defaults(n)` for the test's n-th pool, then the caller's options.
 */
export function perTestPools(
  defaults: (n: number) => Omit<PoolOptions, 'backend'>,
): (backend: Backend, options?: Partial<PoolOptions>) => Pool {
  const pools: Pool[] = []
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.shutdown()))
  })
  return (backend, options = {}) => {
    const pool = new Pool({ ...defaults(pools.length + 1), backend, ...options })
    pools.push(pool)
    return pool
  }
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<FlameError> {
  const err = await promise.then(
    (v) => assert.fail(`expected a ${code} error, got value ${JSON.stringify(v)}`),
    (e: unknown) => e,
  )
  assert.ok(err instanceof FlameError, `expected a FlameError, got ${err}`)
  assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`)
  return err
}

/** Start a call and learn when the task has started on the runner (it sends 'started'). */
export function startCall<I, O>(pool: Pool, task: Task<I, O, unknown>, input: I, signal?: AbortSignal) {
  let onStarted!: () => void
  const started = new Promise<void>((r) => {
    onStarted = r
  })
  const options = signal ? { signal } : {}
  const result = pool.call(task, input, { ...options, onMessage: (m) => m === 'started' && onStarted() })
  result.catch(() => {}) // observed by the test when it cares
  return { started, result }
}
