/**
 * Conformance: what calls carry and how a pool ends. `singleUse` runners, `cast`,
 * messages in order before the result, structured-clone values (and `not_cloneable`),
 * per-runner resources created once and disposed on shutdown or idle, stats as plain
 * data, and `shutdown` letting running calls finish while refusing the rest.
 *
 *   describe('FLAME conformance: local backend', () => callsTests(setUpSuite(target)))
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'node:test'
import { rejectsWith, type Suite, startCall, waitFor } from './harness.ts'
import {
  boom,
  count,
  echo,
  noop,
  readRecord,
  record,
  sleep,
  structured,
  unsendable,
  useResource,
  whoami,
} from './tasks.ts'

export function callsTests(suite: Suite): void {
  const { dir, logs, makePool } = suite

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
}
