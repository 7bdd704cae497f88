/**
 * Conformance: how a pool grows and shrinks. Min runners at start, growth on demand that
 * never passes `max`, calls made while a runner boots (placed on it, marked cold), a
 * caller timing out in the queue at `max`, a failed boot retried until the caller is
 * served, idle runners going away down to `min`.
 *
 *   describe('FLAME conformance: local backend', () => scalingTests(setUpSuite(target)))
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { FailingBoots } from './backends.ts'
import { rejectsWith, type Suite, startCall, waitFor } from './harness.ts'
import { echo, noop, sleep, whoami } from './tasks.ts'

export function scalingTests(suite: Suite): void {
  const { logs, makePool, target } = suite

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
}
