import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { type FlameError, serializeError } from './errors.ts'
import { Parent, type ParentInfo, ParentVersionError, PROTOCOL_VERSION } from './parent.ts'
import { Queue } from './queue.ts'
import { Resources } from './resources.ts'
import { Terminator } from './terminator.ts'

describe('Queue', () => {
  it('is first in, first out, and lets entries leave from the middle', () => {
    const q = new Queue<string>()
    const a = q.push('a')
    q.push('b')
    q.push('c')
    assert.equal(q.delete(a), true)
    assert.equal(q.delete(a), false)
    assert.equal(q.shift(), 'b')
    q.push('d')
    assert.equal(q.size, 2)
    assert.deepEqual(q.drain(), ['c', 'd'])
    assert.equal(q.shift(), undefined)
  })
})

describe('Resources', () => {
  it('creates once for concurrent users, retries after a failed creation, disposes newest first', async () => {
    const r = new Resources()
    const order: string[] = []
    let creations = 0
    const make = async () => {
      creations++
      await delay(20)
      return `v${creations}`
    }
    const [x, y] = await Promise.all([
      r.get('one', make, async (v) => void order.push(`one:${v}`)),
      r.get('one', make, async (v) => void order.push(`one:${v}`)),
    ])
    assert.equal(creations, 1)
    assert.deepEqual([x.created, y.created], [true, false])
    assert.equal(x.value, y.value)
    await assert.rejects(
      r.get(
        'two',
        async () => Promise.reject(new Error('nope')),
        async () => {},
      ),
      /nope/,
    )
    const two = await r.get(
      'two',
      async () => 'ok',
      async (v) => void order.push(`two:${v}`),
    )
    assert.equal(two.created, true)
    await r.disposeAll()
    assert.deepEqual(order, ['two:ok', 'one:v1'])
    await assert.rejects(
      r.get('three', make, async () => {}),
      { code: 'shutdown' },
    )
  })

  it('bounds a hanging disposer', async () => {
    const lines: string[] = []
    const r = new Resources((l) => lines.push(l))
    await r.get(
      'stuck',
      async () => 1,
      () => new Promise<void>(() => {}),
    )
    const t0 = performance.now()
    await r.disposeAll(50)
    assert.ok(performance.now() - t0 < 500)
    assert.match(lines[0] ?? '', /dispose of resource "stuck" failed: timed out/)
  })
})

describe('Terminator', () => {
  it('stops when heartbeats stop, disposing before exit', async () => {
    const events: string[] = []
    const t = new Terminator({
      heartbeatMs: 20,
      parentTimeoutMs: 100,
      failsafeMs: 10_000,
      dispose: async () => void events.push('dispose'),
      exit: (reason) => events.push(`exit: ${reason}`),
    })
    t.heard()
    await delay(400)
    assert.equal(events[0], 'dispose')
    assert.match(events[1] ?? '', /^exit: parent lost: no heartbeat/)
  })

  it('drains running calls before a graceful stop and aborts the rest', async () => {
    const exits: string[] = []
    const t = new Terminator({
      heartbeatMs: 1_000,
      parentTimeoutMs: 5_000,
      failsafeMs: 10_000,
      dispose: async () => {},
      exit: (reason) => exits.push(reason),
    })
    t.heard()
    const quick = t.track(1, 60_000)
    const slow = t.track(2, 60_000)
    setTimeout(() => t.untrack(1), 30)
    slow.signal.addEventListener('abort', () => setTimeout(() => t.untrack(2), 10))
    await t.stop('idle', 100)
    assert.equal(quick.signal.aborted, false)
    assert.equal(slow.signal.aborted, true)
    assert.equal((slow.signal.reason as FlameError).code, 'shutdown')
    assert.deepEqual(exits, ['idle'])
  })

  it('ends a graceful drain at once when the parent goes silent meanwhile', async () => {
    const exits: string[] = []
    const t = new Terminator({
      heartbeatMs: 20,
      parentTimeoutMs: 100,
      failsafeMs: 10_000,
      dispose: async () => {},
      exit: (reason) => exits.push(reason),
    })
    t.heard()
    const running = t.track(1, 60_000)
    running.signal.addEventListener('abort', () => setTimeout(() => t.untrack(1), 10))
    const started = performance.now()
    // Idle shutdown with a long drain; the parent stops beating right away.
    await t.stop('idle', 10_000)
    const took = performance.now() - started
    assert.ok(took < 2_000, `the drain went on for ${Math.round(took)} ms after the parent was gone`)
    assert.equal((running.signal.reason as FlameError).code, 'shutdown')
    assert.deepEqual(exits, ['idle'])
  })

  it('aborts a call at its deadline with a timeout reason', async () => {
    const t = new Terminator({
      heartbeatMs: 1_000,
      parentTimeoutMs: 5_000,
      failsafeMs: 10_000,
      dispose: async () => {},
      exit: () => {},
    })
    t.heard()
    const c = t.track(1, 30)
    await delay(80)
    assert.equal((c.signal.reason as FlameError).code, 'timeout')
    await t.stop('done', 0)
  })
})

describe('errors and parent record', () => {
  it('serializes anything thrown', () => {
    assert.deepEqual(serializeError('plain'), { name: 'NonError', message: 'plain' })
    assert.equal(serializeError({ a: 1 }).message, '{"a":1}')
    const e = Object.assign(new TypeError('bad'), { code: 'E_BAD' })
    assert.equal(serializeError(e).code, 'E_BAD')
    assert.equal(serializeError(e).name, 'TypeError')
  })

  it('round-trips the parent record through FLAME_PARENT', () => {
    const info: ParentInfo = {
      v: PROTOCOL_VERSION,
      parentId: 'host-1-abcd',
      runnerId: 'p-1',
      pool: 'p',
      backend: 'process',
      heartbeatMs: 1000,
      parentTimeoutMs: 5000,
      failsafeMs: 20000,
    }
    assert.deepEqual(Parent.get({ FLAME_PARENT: Parent.encode(info) }), info)
    const linked: ParentInfo = {
      ...info,
      link: {
        kind: 'nats',
        servers: ['nats://127.0.0.1:4222'],
        token: 'x'.repeat(32),
        subjectPrefix: 'flame',
      },
    }
    assert.deepEqual(Parent.decode(Parent.encode(linked)), linked)
    assert.equal(Parent.get({}), null)
  })

  it('refuses a parent record of another protocol version, and a malformed one, clearly', () => {
    const other = Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION + 1, runnerId: 'p-1' })).toString(
      'base64url',
    )
    assert.throws(
      () => Parent.decode(other),
      (err: unknown) => {
        assert.ok(err instanceof ParentVersionError)
        assert.match(
          err.message,
          new RegExp(`protocol v${PROTOCOL_VERSION + 1}, but this runner speaks v${PROTOCOL_VERSION}`),
        )
        return true
      },
    )
    const noHeartbeat = Buffer.from(
      JSON.stringify({ v: PROTOCOL_VERSION, parentId: 'a', runnerId: 'b', pool: 'p', backend: 'x' }),
    ).toString('base64url')
    assert.throws(() => Parent.decode(noHeartbeat), /bad or missing "heartbeatMs"/)
    assert.throws(() => Parent.decode('%%%'), /not a FLAME parent record/)
  })
})
