import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyMetrics } from './model.ts'
import { type TestEvent, TestRun } from './test-run.ts'

const header = { id: 't1', url: 'https://example.com/', createdAt: '2026-01-01T00:00:00.000Z' }
const twoRegions = () =>
  new TestRun(header, [
    { node: 'n-ord', region: 'ord' },
    { node: 'n-fra', region: 'fra' },
  ])

describe('TestRun', () => {
  it('starts every row as starting and the test as running', () => {
    const test = twoRegions().snapshot()
    assert.equal(test.state, 'running')
    assert.deepEqual(
      test.results.map((r) => [r.node, r.region, r.status]),
      [
        ['n-ord', 'ord', 'starting'],
        ['n-fra', 'fra', 'starting'],
      ],
    )
  })

  it('keeps a row with first numbers (final: false) open until its final update; done only then', () => {
    const run = new TestRun(header, [{ node: 'n-ord', region: 'ord' }])
    const events: TestEvent[] = []
    run.subscribe((e) => events.push(e))
    events.length = 0
    assert.equal(run.update('n-ord', { status: 'complete', final: false, requests: 1 }), true)
    assert.equal(run.done, false)
    assert.equal(run.snapshot().state, 'running')
    assert.equal(run.update('n-ord', { status: 'complete', final: true, requests: 2 }), true)
    assert.equal(run.done, true)
    // A first-numbers update that arrives after the final one cannot roll the row back.
    assert.equal(run.update('n-ord', { status: 'complete', final: false, requests: 1 }), false)
    assert.deepEqual(
      events.map((e) => (e.type === 'region' ? [e.result.final, e.result.requests] : e.type)),
      [[false, 1], [true, 2], 'done'],
    )
  })

  it('ends a row whose late window is still open when the test is ended (shutdown)', () => {
    const run = new TestRun(header, [{ node: 'n-ord', region: 'ord' }])
    run.update('n-ord', { status: 'complete', final: false })
    run.failPending({ code: 'node_shutdown', message: 'stopping' })
    assert.equal(run.snapshot().results[0]?.status, 'error')
    assert.equal(run.done, true)
  })

  it('streams row changes and ends with done once every row has ended', () => {
    const run = twoRegions()
    const events: TestEvent[] = []
    run.subscribe((e) => events.push(e))
    events.length = 0
    run.update('n-ord', { status: 'loading' })
    run.update('n-ord', { status: 'complete', requests: 12 })
    assert.equal(run.done, false)
    run.update('n-fra', { status: 'error', error: { code: 'timeout', message: 'slow' } })
    assert.deepEqual(
      events.map((e) => (e.type === 'region' ? `${e.result.node}:${e.result.status}` : 'done')),
      ['n-ord:loading', 'n-ord:complete', 'n-fra:error', 'done'],
    )
    const done = events.at(-1)
    assert.ok(done?.type === 'done')
    assert.equal(done.test.state, 'done')
    assert.equal(done.test.results[0]?.requests, 12)
  })

  it('never moves a row backwards or changes an ended row', () => {
    const run = twoRegions()
    assert.equal(run.update('n-ord', { status: 'complete', requests: 3 }), true)
    assert.equal(run.update('n-ord', { status: 'loading' }), false)
    assert.equal(run.update('n-ord', { status: 'error', error: { code: 'x', message: 'y' } }), false)
    assert.equal(run.update('n-fra', { status: 'loading' }), true)
    assert.equal(run.update('n-fra', { status: 'starting' }), false)
    assert.equal(run.update('nobody', { status: 'loading' }), false)
    assert.equal(run.snapshot().results[0]?.status, 'complete')
  })

  it('lets a later run of a multi-run test wait in line again, but not an earlier one', () => {
    const run = new TestRun(header, [{ node: 'n-ord', region: 'ord' }])
    assert.equal(run.update('n-ord', { status: 'loading', run: 1, runCount: 3 }), true)
    assert.equal(run.update('n-ord', { status: 'queued', queuePosition: 2, run: 2, runCount: 3 }), true)
    assert.equal(run.snapshot().results[0]?.queuePosition, 2)
    assert.equal(run.update('n-ord', { status: 'loading', run: 2, runCount: 3 }), true)
    assert.equal(run.update('n-ord', { status: 'queued', queuePosition: 1, run: 2, runCount: 3 }), false)
    assert.equal(run.update('n-ord', { status: 'starting', run: 1, runCount: 3 }), false)
    assert.deepEqual([run.snapshot().results[0]?.status, run.snapshot().results[0]?.run], ['loading', 2])
  })

  it('gives a late subscriber the current state first, and done if done', () => {
    const run = twoRegions()
    run.update('n-ord', { status: 'loading' })
    const seen: string[] = []
    run.subscribe((e) => seen.push(e.type === 'region' ? e.result.status : 'done'))
    assert.deepEqual(seen, ['loading', 'starting'])
    run.failPending({ code: 'node_lost', message: 'gone' })
    const late: string[] = []
    run.subscribe((e) => late.push(e.type === 'region' ? e.result.status : 'done'))
    assert.deepEqual(late, ['error', 'error', 'done'])
  })

  it('hands out frozen rows, so listeners cannot corrupt the state', () => {
    const run = twoRegions()
    const refused: string[] = []
    run.subscribe((e) => {
      if (e.type !== 'region') return
      try {
        e.result.status = 'complete'
      } catch (error) {
        refused.push(error instanceof TypeError ? 'row' : String(error))
      }
      try {
        e.result.metrics.load = 1
      } catch (error) {
        refused.push(error instanceof TypeError ? 'metrics' : String(error))
      }
    })
    assert.deepEqual(refused, ['row', 'metrics', 'row', 'metrics'])
    assert.equal(run.snapshot().results[0]?.status, 'starting')
    assert.equal(run.snapshot().results[0]?.metrics.load, null)
    run.update('n-ord', { status: 'complete', metrics: { ...emptyMetrics(), load: 812 } })
    assert.throws(() => {
      const row = run.snapshot().results[0]
      if (row) row.metrics.load = 2
    }, TypeError)
    assert.equal(run.snapshot().results[0]?.metrics.load, 812)
  })

  it('passes a row through onEnd as it ends (a budget verdict), before anyone hears of it', () => {
    const ended: string[] = []
    const run = new TestRun({ id: 't', url: 'https://x/', createdAt: '' }, [{ node: 'n1', region: 'ord' }], {
      onEnd: (row) => {
        ended.push(row.status)
        return { ...row, requests: (row.requests ?? 0) + 1000 }
      },
    })
    const heard: Array<number | null> = []
    run.subscribe((e) => {
      if (e.type === 'region') heard.push(e.result.requests)
    })
    run.update('n1', { status: 'loading' })
    assert.deepEqual(ended, [], 'not while it is still loading')
    run.update('n1', { status: 'complete', requests: 7 })
    assert.deepEqual(ended, ['complete'])
    assert.deepEqual(heard, [null, null, 1007])
    assert.equal(run.snapshot().results[0]?.requests, 1007)
  })
})
