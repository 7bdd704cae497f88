/**
 * Conformance: how calls fail and are cancelled. A runner that dies takes its calls down
 * with `runner_lost` and is replaced; a throwing task gives `remote_error` with the remote
 * stack; the caller's abort and the deadline both reach the task's signal on the runner;
 * a task that ignores its signal holds its slot, and past `abortGrace` gets its runner
 * retired.
 *
 *   describe('FLAME conformance: local backend', () => failuresTests(setUpSuite(target)))
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { rejectsWith, type Suite, startCall, waitFor } from './harness.ts'
import { boom, echo, ignoreSignal, noop, observedAbort, sleep, waitForAbort, whoami } from './tasks.ts'

export function failuresTests(suite: Suite): void {
  const { logs, makePool, target } = suite

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
    // a process backend sees the signal; a network one sees the heartbeats stop
    assert.ok(logs.some((l) => l.includes(`(${victim} lost: `)))
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
}
