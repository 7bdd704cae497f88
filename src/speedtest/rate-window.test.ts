import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RateWindows } from './rate-window.ts'

describe('RateWindows', () => {
  const clock = () => {
    let now = 1_000_000
    return { now: () => now, advance: (ms: number) => (now += ms) }
  }

  it('admits up to the limit per key within the window, then says when there is room', () => {
    const time = clock()
    const windows = new RateWindows({ windowMs: 60_000, now: time.now })
    const limits = [['host:a', 3]] as const
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(windows.take(limits), { ok: true })
      time.advance(10_000)
    }
    // Starts at 0 s, 10 s, 20 s; now 30 s: the first leaves the window at 60 s.
    assert.deepEqual(windows.take(limits), { ok: false, key: 'host:a', retryAfterMs: 30_000 })
    assert.deepEqual(windows.take([['host:b', 3]]), { ok: true }, 'another host has its own window')
    time.advance(30_000)
    assert.deepEqual(windows.take(limits), { ok: true }, 'room once the oldest start has left the window')
    assert.equal(windows.count('host:a'), 3)
  })

  it('counts a start against every key only when all have room', () => {
    const time = clock()
    const windows = new RateWindows({ windowMs: 60_000, now: time.now })
    assert.deepEqual(
      windows.take([
        ['host:a', 1],
        ['total', 3],
      ]),
      { ok: true },
    )
    const refused = windows.take([
      ['host:a', 1],
      ['total', 3],
    ])
    assert.equal(refused.ok, false)
    assert.equal(windows.count('total'), 1, 'a start refused by its host does not use up the total')
    assert.deepEqual(
      windows.take([
        ['host:b', 1],
        ['total', 3],
      ]),
      { ok: true },
    )
    assert.deepEqual(
      windows.take([
        ['host:c', 1],
        ['total', 3],
      ]),
      { ok: true },
    )
    const full = windows.take([
      ['host:d', 1],
      ['total', 3],
    ])
    assert.deepEqual(full, { ok: false, key: 'total', retryAfterMs: 60_000 })
    assert.equal(windows.count('host:d'), 0)
  })

  it('treats a limit of 0 as none, and forgets keys whose window emptied', () => {
    const time = clock()
    const windows = new RateWindows({ windowMs: 1000, now: time.now })
    for (let i = 0; i < 50; i++) assert.equal(windows.take([['host:a', 0]]).ok, true)
    assert.equal(windows.count('host:a'), 0)
    windows.take([['host:b', 5]])
    time.advance(1000)
    assert.equal(windows.count('host:b'), 0)
  })
})
