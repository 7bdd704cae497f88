/**
 * `onQueued` and `Placement.cold` as a caller sees them, on the in-process backend: a call
 * waiting behind busy runners hears its place in line and each move up; a call that only
 * waits for a boot hears nothing and is cold; a call that waited for another call to end
 * is not cold, even on a runner that booted while it waited.
 */
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { LocalBackend } from './backends/local.ts'
import type { Placement } from './call.ts'
import { Pool } from './pool.ts'
import { rejectsWith, waitFor } from './testing/harness.ts'
import { sleep } from './testing/tasks.ts'

interface Watched {
  positions: number[]
  placement: Placement | undefined
  started: boolean
  result: Promise<unknown>
  stop: AbortController
}

function watchCall(pool: Pool): Watched {
  const stop = new AbortController()
  const watched: Watched = {
    positions: [],
    placement: undefined,
    started: false,
    stop,
    result: Promise.resolve(),
  }
  watched.result = pool.call(
    sleep,
    { ms: 60_000 },
    {
      signal: stop.signal,
      onQueued: (position) => watched.positions.push(position),
      onPlaced: (placement) => {
        watched.placement = placement
      },
      onMessage: (m) => {
        if (m === 'started') watched.started = true
      },
    },
  )
  watched.result.catch(() => {})
  return watched
}

describe('queue positions', () => {
  const pools: Pool[] = []
  const makePool = (max: number, maxConcurrency: number): Pool => {
    const pool = new Pool({
      name: 'q',
      backend: new LocalBackend({ bootDelay: 50 }),
      max,
      maxConcurrency,
      log: false,
    })
    pools.push(pool)
    return pool
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.shutdown()))
  })

  it('tells each call behind busy runners its place, and each move up, until it is placed', async () => {
    const pool = makePool(1, 1)
    const [a, b, c, d] = [watchCall(pool), watchCall(pool), watchCall(pool), watchCall(pool)] as [
      Watched,
      Watched,
      Watched,
      Watched,
    ]
    await waitFor('a runs', () => a.started)
    assert.deepEqual(a.positions, [], 'the first call waited only for the boot')
    assert.equal(a.placement?.cold, true)
    assert.deepEqual([b.positions, c.positions, d.positions], [[1], [2], [3]])

    a.stop.abort()
    await rejectsWith(a.result, 'aborted')
    await waitFor('b runs', () => b.started)
    assert.equal(b.placement?.cold, false, 'b waited for a, not for the boot')
    assert.deepEqual(
      [c.positions, d.positions],
      [
        [2, 1],
        [3, 2],
      ],
    )

    c.stop.abort() // leaves from the middle of the line
    await rejectsWith(c.result, 'aborted')
    assert.deepEqual(d.positions, [3, 2, 1])

    b.stop.abort()
    await waitFor('d runs', () => d.started)
    assert.deepEqual(d.positions, [3, 2, 1], 'nothing more once placed')
    assert.equal(d.placement?.cold, false)
    d.stop.abort()
  })

  it('counts calls that a booting runner will take as waiting for the boot, not queued', async () => {
    const pool = makePool(1, 2)
    const [a, b, c] = [watchCall(pool), watchCall(pool), watchCall(pool)] as [Watched, Watched, Watched]
    await waitFor('a and b run', () => a.started && b.started)
    assert.deepEqual([a.positions, b.positions, c.positions], [[], [], [1]])
    assert.deepEqual([a.placement?.cold, b.placement?.cold], [true, true], 'both filled the booted runner')
    a.stop.abort()
    await waitFor('c runs', () => c.started)
    assert.equal(c.placement?.cold, false)
    b.stop.abort()
    c.stop.abort()
  })
})
