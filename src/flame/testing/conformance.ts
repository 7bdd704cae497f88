/**
 * One conformance suite, run against every backend: what FLAME's own flame_test.exs and
 * runner_test.exs check, in our terms. A backend passes when a pool over it behaves the
 * same as over any other.
 *
 *   conformance({
 *     name: 'local',
 *     backend: () => new LocalBackend({ bootDelay: 30 }),
 *     kill: (backend, _pool, runnerId) => (backend as LocalBackend).kill(runnerId),
 *   })
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, describe, it } from 'node:test'
import type { Backend } from '../backend.ts'
import { FlameError } from '../errors.ts'
import { Pool, type PoolOptions } from '../pool.ts'
import type { Task } from '../task.ts'
import { FailingBoots } from './backends.ts'
import {
  boom,
  count,
  echo,
  ignoreSignal,
  noop,
  observedAbort,
  readRecord,
  record,
  sleep,
  structured,
  unsendable,
  useResource,
  waitForAbort,
  whoami,
} from './tasks.ts'

export interface ConformanceTarget {
  name: string
  backend(): Backend
  /** Kill the runner as abruptly as the backend allows (kill -9 for a process). */
  kill(backend: Backend, pool: Pool, runnerId: string): void
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

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<FlameError> {
  const err = await promise.then(
    (v) => assert.fail(`expected a ${code} error, got value ${JSON.stringify(v)}`),
    (e: unknown) => e,
  )
  assert.ok(err instanceof FlameError, `expected a FlameError, got ${err}`)
  assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`)
  return err
}

/** Start a call and learn when the task has started on the runner (it sends 'started'). */
function startCall<I, O>(pool: Pool, task: Task<I, O, unknown>, input: I, signal?: AbortSignal) {
  let onStarted!: () => void
  const started = new Promise<void>((r) => {
    onStarted = r
  })
  const options = signal ? { signal } : {}
  const result = pool.call(task, input, { ...options, onMessage: (m) => m === 'started' && onStarted() })
  result.catch(() => {}) // observed by the test when it cares
  return { started, result }
}

export function conformance(target: ConformanceTarget): void {
  describe(`FLAME conformance: ${target.name} backend`, () => {
    const pools: Pool[] = []
    const dir = mkdtempSync(join(tmpdir(), 'flame-test-'))
    const logs: string[] = []

    function makePool(options: Partial<PoolOptions> = {}): Pool {
      const pool = new Pool({
        name: `t${pools.length + 1}`,
        backend: target.backend(),
        max: 1,
        idleShutdownAfter: 5_000,
        bootTimeout: 30_000,
        shutdownTimeout: 1_000,
        log: (line) => logs.push(line),
        ...options,
      })
      pools.push(pool)
      return pool
    }

    afterEach(async () => {
      await Promise.all(pools.splice(0).map((p) => p.shutdown()))
    })
    after(() => rmSync(dir, { recursive: true, force: true }))

    it('boots min runners at start', async () => {
      const pool = makePool({ min: 2, max: 3 })
      await pool.ready()
      const s = pool.stats()
      assert.equal(s.runners, 2)
      assert.equal(s.boots, 2)
      assert.equal(s.booting, 0)
      let cold: boolean | undefined
      await pool.call(whoami, null, { onPlaced: (p) => (cold = p.cold) })
      assert.equal(cold, false, 'a call on a min runner is warm')
      assert.equal(pool.stats().boots, 2)
    })

    it('grows on demand and never past max', async () => {
      const grows: number[] = []
      const pool = makePool({ max: 3, maxConcurrency: 1, onGrowStart: (e) => grows.push(e.count) })
      let peak = 0
      const sampler = setInterval(() => {
        const s = pool.stats()
        peak = Math.max(peak, s.runners + s.booting)
      }, 2)
      const placedOn = new Set<string>()
      const release = new AbortController()
      const calls = Array.from({ length: 7 }, () => startCall(pool, sleep, { ms: 10_000 }, release.signal))
      await waitFor('three runners busy', () => pool.stats().busySlots === 3)
      await new Promise((r) => setTimeout(r, 100))
      const s = pool.stats()
      clearInterval(sampler)
      for (const r of s.runnerDetails) placedOn.add(r.id)
      release.abort()
      await Promise.all(calls.map((c) => rejectsWith(c.result, 'aborted')))
      assert.ok(peak <= 3, `peak ${peak} runners`)
      assert.equal(s.runners, 3)
      assert.equal(s.booting, 0)
      assert.equal(s.waiting, 4, 'the rest wait at max')
      assert.equal(s.boots, 3)
      assert.equal(placedOn.size, 3)
      assert.deepEqual(grows, [1, 2, 3])
      assert.ok(logs.some((l) => /^\[flame pool=t\d+\] grow 2→3 \(boot \d+ ms/.test(l)))
    })

    it('serves calls made while the runner boots, all on that runner, marked cold', async () => {
      const pool = makePool({ max: 1, maxConcurrency: 2 })
      const placements: { runnerId: string; cold: boolean; bootMs: number }[] = []
      const onPlaced = (p: (typeof placements)[number]) => placements.push(p)
      const [a, b] = await Promise.all([
        pool.call(whoami, null, { onPlaced }),
        pool.call(whoami, null, { onPlaced }),
      ])
      assert.equal(a.runnerId, b.runnerId)
      assert.equal(pool.stats().boots, 1)
      assert.equal(placements.length, 2)
      for (const p of placements) {
        assert.equal(p.cold, true)
        assert.ok(p.bootMs > 0)
      }
      let later: { cold: boolean; bootMs: number } | undefined
      await pool.call(whoami, null, { onPlaced: (p) => (later = p) })
      assert.equal(later?.cold, false)
      assert.equal(later?.bootMs, placements[0]?.bootMs, 'bootMs is the runner’s boot time')
    })

    it('times out a caller that waits in the queue at max', async () => {
      const pool = makePool({ max: 1, maxConcurrency: 1 })
      const release = new AbortController()
      const long = startCall(pool, sleep, { ms: 10_000 }, release.signal)
      await long.started
      const t0 = performance.now()
      const err = await rejectsWith(pool.call(noop, null, { timeout: 100 }), 'timeout')
      assert.ok(performance.now() - t0 < 1_500, 'rejected at its own deadline')
      assert.match(err.message, /no runner became available/)
      assert.equal(pool.stats().waiting, 0)
      release.abort()
      await rejectsWith(long.result, 'aborted')
      assert.equal(await pool.call(echo, 'after'), 'after')
      assert.equal(pool.stats().boots, 1)
    })

    it('retries a failed boot and then serves the waiting caller', async () => {
      const events: boolean[] = []
      const pool = makePool({
        backend: new FailingBoots(target.backend(), 1),
        max: 1,
        onGrowEnd: (e) => events.push(e.ok),
      })
      const who = await pool.call(whoami, null, { timeout: 30_000 })
      assert.ok(who.runnerId)
      assert.deepEqual(events, [false, true])
      const s = pool.stats()
      assert.equal(s.bootFailures, 1)
      assert.equal(s.boots, 1)
      assert.ok(logs.some((l) => /boot of t\d+-1 failed .*before it was ready.*retrying in 100 ms/.test(l)))
    })

    it('shuts idle runners down, down to min', async () => {
      const shrinks: string[] = []
      const pool = makePool({
        min: 1,
        max: 3,
        maxConcurrency: 1,
        idleShutdownAfter: 200,
        onShrink: (e) => shrinks.push(e.reason),
      })
      await pool.ready()
      const release = new AbortController()
      const held = Array.from({ length: 3 }, () => startCall(pool, sleep, { ms: 10_000 }, release.signal))
      await Promise.all(held.map((h) => h.started))
      assert.equal(pool.stats().runners, 3)
      release.abort()
      await Promise.all(held.map((h) => rejectsWith(h.result, 'aborted')))
      await waitFor('idle runners to go', () => pool.stats().runners === 1)
      await new Promise((r) => setTimeout(r, 400))
      const s = pool.stats()
      assert.equal(s.runners, 1, 'the min runner stays')
      assert.equal(s.idleShutdowns, 2)
      assert.equal(s.runnerDeaths, 0)
      assert.deepEqual(shrinks, ['idle', 'idle'])
      assert.ok(logs.some((l) => /shrink 3→2 \(idle\)/.test(l)))
      assert.equal((await pool.call(whoami, null)).runnerId, s.runnerDetails[0]?.id)
    })

    it('rejects the calls of a runner that dies with runner_lost, and replaces it', async () => {
      const backend = target.backend()
      const pool = makePool({ backend, min: 1, max: 1, maxConcurrency: 2 })
      await pool.ready()
      const a = startCall(pool, sleep, { ms: 10_000 })
      const b = startCall(pool, sleep, { ms: 10_000 })
      await Promise.all([a.started, b.started])
      const victim = pool.stats().runnerDetails[0]!.id
      target.kill(backend, pool, victim)
      const err = await rejectsWith(a.result, 'runner_lost')
      assert.equal(err.runnerId, victim)
      await rejectsWith(b.result, 'runner_lost')
      assert.equal(pool.stats().runnerDeaths, 1)
      assert.ok(logs.some((l) => l.includes(`(${victim} lost: signal SIGKILL)`)))
      const who = await pool.call(whoami, null)
      assert.notEqual(who.runnerId, victim)
    })

    it('rejects a throwing task with remote_error carrying the remote message and stack', async () => {
      const pool = makePool()
      const err = await rejectsWith(pool.call(boom, { message: 'kaput' }), 'remote_error')
      assert.equal(err.message, 'kaput')
      assert.equal(err.remote?.name, 'Error')
      assert.equal(err.remote?.code, 'E_BOOM')
      assert.match(err.remote?.stack ?? '', /explodeOnRunner/)
      assert.match(err.stack ?? '', /explodeOnRunner[\s\S]*--- on runner t\d+-1, called from ---/)
      assert.equal(await pool.call(echo, 'still alive'), 'still alive')
      assert.equal(pool.stats().runnerDeaths, 0)
    })

    it('cancels the remote task when the caller aborts', async () => {
      const pool = makePool()
      const key = randomUUID()
      const ac = new AbortController()
      const call = pool.call(waitForAbort, { key }, { signal: ac.signal, onMessage: () => ac.abort() })
      await rejectsWith(call, 'aborted')
      await waitFor(
        'the task to see its signal',
        async () => (await pool.call(observedAbort, { key })) === 'aborted',
      )
      await waitFor('the slot to free', () => pool.stats().busySlots === 0)
    })

    it('aborts a task on the runner when its deadline passes', async () => {
      const pool = makePool()
      await pool.call(noop, null) // boot first: the deadline then covers only the run
      const key = randomUUID()
      const t0 = performance.now()
      await rejectsWith(pool.call(waitForAbort, { key }, { timeout: 150 }), 'timeout')
      assert.ok(performance.now() - t0 < 1_500)
      await waitFor(
        'the task to see its deadline',
        async () => (await pool.call(observedAbort, { key })) === 'timeout',
      )
    })

    it('rejects a task that ignores its signal at the deadline anyway, holding the slot until it ends', async () => {
      const pool = makePool({ maxConcurrency: 1 })
      await pool.call(noop, null)
      const t0 = performance.now()
      await rejectsWith(pool.call(ignoreSignal, { ms: 1_500 }, { timeout: 100 }), 'timeout')
      assert.ok(performance.now() - t0 < 1_000, 'rejected at the deadline, not when the task ended')
      assert.equal(pool.stats().busySlots, 1, 'the task still runs')
      await waitFor('the task to end', () => pool.stats().busySlots === 0)
      assert.equal(await pool.call(echo, 1), 1)
    })

    it('retires a runner whose task ignores cancellation past abortGrace', async () => {
      const pool = makePool({ maxConcurrency: 1, abortGrace: 100, shutdownTimeout: 100 })
      const first = await pool.call(whoami, null)
      await rejectsWith(pool.call(ignoreSignal, { ms: 3_000 }, { timeout: 50 }), 'timeout')
      await waitFor('a retirement', () =>
        logs.some((l) => l.includes(`on ${first.runnerId} ignored its abort`)),
      )
      const next = await pool.call(whoami, null, { timeout: 30_000 })
      assert.notEqual(next.runnerId, first.runnerId)
      assert.equal(pool.stats().runnerDeaths, 0)
    })

    it('runs each call on a fresh runner with singleUse', async () => {
      const pool = makePool({ max: 2, singleUse: true })
      const a = await pool.call(whoami, null)
      const b = await pool.call(whoami, null)
      assert.notEqual(a.runnerId, b.runnerId)
      await waitFor('single-use runners to exit', () => pool.stats().runners === 0)
      assert.equal(pool.stats().boots, 2)
      assert.ok(logs.some((l) => l.includes('(single use)')))
    })

    it('casts: fire and forget, failures logged', async () => {
      const pool = makePool()
      const key = randomUUID()
      pool.cast(record, { key, value: 42 })
      await waitFor('the cast to run', async () => (await pool.call(readRecord, { key })) === 42)
      pool.cast(boom, { message: 'cast went wrong' })
      await waitFor('the failed cast to be logged', () =>
        logs.some((l) => l.includes('cast of "flame-test.boom" failed: cast went wrong')),
      )
    })

    it('delivers messages from the task to the caller in order, before the result', async () => {
      const pool = makePool()
      const got: number[] = []
      const n = await pool.call(count, { n: 300 }, { onMessage: (m) => got.push(m as number) })
      assert.equal(n, 300)
      assert.deepEqual(
        got,
        Array.from({ length: 300 }, (_, i) => i),
      )
    })

    it('carries structured-clone values and rejects what cannot be sent', async () => {
      const pool = makePool()
      const v = await pool.call(structured, null)
      assert.ok(v.when instanceof Date)
      assert.equal(v.map.get('a'), 1)
      assert.deepEqual([...v.bytes], [1, 2, 3])
      await rejectsWith(pool.call(unsendable, null), 'not_cloneable')
      await rejectsWith(pool.call(echo, { fn: () => 1 }), 'not_cloneable')
      assert.equal(await pool.call(echo, 'ok'), 'ok')
    })

    it('creates a resource once per runner and disposes it on shutdown', async () => {
      const marker = join(dir, `${randomUUID()}.log`)
      const pool = makePool({ max: 1, maxConcurrency: 4 })
      const [r1, r2] = await Promise.all([
        pool.call(useResource, { marker }),
        pool.call(useResource, { marker }),
      ])
      const r3 = await pool.call(useResource, { marker })
      assert.deepEqual([r1.created, r2.created].sort(), [false, true])
      assert.equal(r3.created, false)
      assert.equal(new Set([r1.id, r2.id, r3.id]).size, 1)
      assert.ok(r1.created ? r1.ms >= 15 : r2.ms >= 0)
      await pool.shutdown()
      const lines = readFileSync(marker, 'utf8').trim().split('\n')
      assert.equal(lines.length, 2)
      assert.match(lines[0]!, /^created t\d+-1$/)
      assert.match(lines[1]!, /^disposed t\d+-1$/)
    })

    it('disposes resources when a runner idles away', async () => {
      const marker = join(dir, `${randomUUID()}.log`)
      const pool = makePool({ idleShutdownAfter: 150 })
      await pool.call(useResource, { marker })
      await waitFor('the runner to idle away', () => pool.stats().runners === 0)
      await waitFor('the disposer to run', () => readFileSync(marker, 'utf8').includes('disposed'))
    })

    it('reports stats as plain data', async () => {
      const pool = makePool({ min: 1 })
      await pool.ready()
      await pool.call(noop, null)
      const s = pool.stats()
      assert.deepEqual(JSON.parse(JSON.stringify(s)), s)
      assert.equal(s.calls, 1)
      assert.equal(s.succeeded, 1)
      assert.equal(s.runnerDetails.length, 1)
    })

    it('shutdown rejects waiting and later calls with shutdown', async () => {
      const pool = makePool({ max: 1, maxConcurrency: 1 })
      const running = startCall(pool, sleep, { ms: 200 })
      await running.started
      const waiting = pool.call(noop, null)
      const done = pool.shutdown()
      await rejectsWith(waiting, 'shutdown')
      await rejectsWith(pool.call(noop, null), 'shutdown')
      assert.match(await running.result, /^t\d+-1$/, 'the running call was let finish')
      await done
      assert.equal(pool.stats().runners, 0)
    })
  })
}
