/**
 * Any node serves any test, in-process: two nodes on one in-process cluster share one
 * database (a SQLite file each opens for itself, as two deploy nodes share a PostgreSQL). Measurements are scripted, with gates,
 * so each test can hold a row in flight while it looks from the other node.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createMemoryCluster, MemoryHub } from '../cluster/index.ts'
import type { Cluster } from '../cluster/types.ts'
import { openStore, type TestStore } from '../store/index.ts'
import type { RegionResult, SpeedTest } from './model.ts'
import { MEASURE_METHOD, type RegionUpdate } from './protocol.ts'
import { SpeedTests } from './speed-tests.ts'
import type { TestEvent } from './test-run.ts'

const entries = [{ url: 'http://127.0.0.1:1/', type: 'document', status: 200, start: 0, end: 9, bytes: 321 }]

const complete = (load: number): RegionUpdate => ({
  status: 'complete',
  httpStatus: 200,
  finalUrl: 'http://127.0.0.1:1/',
  metrics: { ttfb: 5, fcp: 10, lcp: 12, cls: 0, tbt: 0, domContentLoaded: 20, load },
  requests: 1,
  transferBytes: 321,
  entries,
  cold: false,
  bootMs: 0,
  error: null,
  updatedAt: Date.now(),
})

function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {}
  const wait = new Promise<void>((resolve) => {
    open = resolve
  })
  return { wait, open }
}

interface Side {
  cluster: Cluster
  tests: SpeedTests
  store: TestStore
}

interface Pair {
  hub: MemoryHub
  /** b's view of the database. */
  store: TestStore
  a: Side
  b: Side
  gates: Array<ReturnType<typeof gate>>
  close(): Promise<void>
}

/** Node a (region ord) measures behind gates; node b (region fra) only serves. */
async function pair(): Promise<Pair> {
  const hub = new MemoryHub()
  const dir = mkdtempSync(join(tmpdir(), 'wps-speedtests-'))
  const gates: Array<ReturnType<typeof gate>> = []
  const node = async (name: string, region: string): Promise<Side> => {
    const store = await openStore({ dataDir: dir, databaseUrl: null })
    const cluster = createMemoryCluster(hub, { node: name, region, machineId: 'm', capacity: 1 })
    const tests = new SpeedTests({
      cluster,
      store,
      allowPrivate: true,
      deadlineMs: 10_000,
      retainMs: 50,
      onError: () => {}, // a node "killed" below keeps trying to write to its closed store
    })
    return { cluster, tests, store }
  }
  const a = await node('ord-1', 'ord')
  const b = await node('fra-1', 'fra')
  a.cluster.serve(MEASURE_METHOD, async (_payload, emit) => {
    const held = gate()
    gates.push(held)
    emit({ status: 'loading', updatedAt: Date.now() } satisfies RegionUpdate)
    await held.wait
    return complete(400)
  })
  return {
    hub,
    store: b.store,
    a,
    b,
    gates,
    async close() {
      for (const g of gates) g.open()
      await a.tests.close()
      await b.tests.close()
      await a.cluster.close()
      await b.cluster.close()
      await a.store.close().catch(() => {})
      await b.store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const until = async (check: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out: ${what}`)
}

describe('SpeedTests across nodes sharing a store', () => {
  const opened: Pair[] = []
  after(async () => {
    for (const p of opened) await p.close()
  })
  const open = async () => {
    const p = await pair()
    opened.push(p)
    return p
  }

  it('follows a test running on another node live, then reads it back whole', async () => {
    const { a, b, gates, store } = await open()
    const started = await a.tests.start({ url: 'http://127.0.0.1:1/', regions: ['ord'] })
    assert.ok(started.ok)
    const id = started.test.id
    assert.equal((await b.tests.get(id))?.state, 'running', 'b answers for it from the store')

    const seen: TestEvent[] = []
    const unsubscribe = await b.tests.subscribe(id, (event) => seen.push(event))
    assert.ok(unsubscribe)
    await until(
      () => seen.some((e) => e.type === 'region' && e.result.status === 'loading'),
      'b sees loading',
    )
    assert.equal(
      seen.some((e) => e.type === 'done'),
      false,
    )
    gates[0]?.open()
    await until(() => seen.some((e) => e.type === 'done'), 'b sees done')
    const rows = seen.filter((e) => e.type === 'region').map((e) => (e as { result: RegionResult }).result)
    assert.equal(rows.at(-1)?.status, 'complete')
    assert.deepEqual(rows.at(-1)?.entries, entries, 'the final row comes with its network log')
    const done = seen.at(-1) as { type: 'done'; test: SpeedTest }
    assert.deepEqual(done.test, await a.tests.get(id))
    assert.deepEqual(toPlain(await store.getTest(id)).rows.length, 1)
    // Once a has forgotten the run, b still serves the same test from the store.
    await until(async () => (await a.tests.get(id))?.state === 'done', 'stored done')
    await new Promise((resolve) => setTimeout(resolve, 80))
    assert.deepEqual(await b.tests.get(id), done.test)
    assert.deepEqual(await a.tests.get(id), done.test)
  })

  it('ends the rows of a test whose node left mid-test as node_lost, on the follower and in the store', async () => {
    const { a, b } = await open()
    const started = await a.tests.start({ url: 'http://127.0.0.1:1/', regions: ['ord'] })
    assert.ok(started.ok)
    const id = started.test.id
    const seen: TestEvent[] = []
    await b.tests.subscribe(id, (event) => seen.push(event))
    await until(() => seen.some((e) => e.type === 'region' && e.result.status === 'loading'), 'loading')
    // Node a dies: its writes stop, then its membership and calls end.
    await a.store.close()
    await a.cluster.close()
    await until(() => seen.some((e) => e.type === 'done'), 'b ends the test')
    const done = seen.at(-1) as { type: 'done'; test: SpeedTest }
    assert.equal(done.test.state, 'done')
    assert.equal(done.test.results[0]?.error?.code, 'node_lost')
    const again = await b.tests.get(id)
    assert.equal(again?.results[0]?.status, 'error')
    assert.equal(again?.results[0]?.error?.code, 'node_lost')
  })

  it('ends a stored running test whose owner is no member (a node restarted) when read', async () => {
    const { b, store } = await open()
    await store.createTest(
      {
        id: 'orphan',
        url: 'http://127.0.0.1:1/',
        createdAt: new Date().toISOString(),
        state: 'running',
        owner: 'gone-1',
      },
      [{ node: 'gone-1', region: 'ord', position: 0, status: 'loading', body: { metrics: {} } }],
    )
    const events: string[] = []
    await b.tests.subscribe('orphan', (e) => events.push(e.type === 'region' ? e.result.status : 'done'))
    assert.deepEqual(events, ['error', 'done'])
    const stored = await store.getTest('orphan')
    assert.equal(stored?.state, 'done')
    assert.equal(stored?.rows[0]?.status, 'error')
    // Every row final but the state left running: read as done, and stored so.
    await store.createTest(
      {
        id: 'settled',
        url: 'http://127.0.0.1:1/',
        createdAt: new Date().toISOString(),
        state: 'running',
        owner: 'gone-1',
      },
      [{ node: 'gone-1', region: 'ord', position: 0, status: 'complete', body: { metrics: { load: 5 } } }],
    )
    const settled = await b.tests.get('settled')
    assert.equal(settled?.state, 'done')
    assert.equal(settled?.results[0]?.status, 'complete')
    assert.equal((await store.getTest('settled'))?.state, 'done')
    assert.equal(await b.tests.get('nothing'), null)
    assert.equal(await b.tests.subscribe('nothing', () => {}), null)
  })

  it('checks a budget on each row as it ends, and the verdict is stored with the row', async () => {
    const { a, b, gates, store } = await open()
    // The scripted row completes with load 400 and one request.
    const budget = { metrics: { load: 1000 }, requests: 5, regions: { ord: { metrics: { load: 300 } } } }
    const started = await a.tests.start({ url: 'http://127.0.0.1:1/', regions: ['ord'], budget })
    assert.ok(started.ok)
    assert.equal(started.test.results[0]?.budget, undefined, 'no verdict before the row ends')
    await until(() => gates.length > 0, 'measuring')
    gates[0]?.open()
    await until(async () => (await a.tests.get(started.test.id))?.state === 'done', 'done')
    const verdict = {
      passed: false,
      checks: [
        { metric: 'load', value: 400, limit: 300, passed: false },
        { metric: 'requests', value: 1, limit: 5, passed: true },
      ],
    }
    assert.deepEqual((await a.tests.get(started.test.id))?.results[0]?.budget, verdict)
    // Stored (the write follows the live row): the other node, reading the database, sees the same verdict.
    await until(async () => (await store.getTest(started.test.id))?.state === 'done', 'stored done')
    assert.deepEqual(toPlain(await store.getTest(started.test.id)).rows[0]?.body.budget, verdict)
    await until(
      async () => (await b.tests.get(started.test.id))?.results[0]?.budget !== undefined,
      'b reads it',
    )
    assert.deepEqual((await b.tests.get(started.test.id))?.results[0]?.budget, verdict)
  })

  it('refuses a malformed budget before starting anything', async () => {
    const { a } = await open()
    const started = await a.tests.start({ url: 'http://127.0.0.1:1/', budget: { metrics: { lcp: -1 } } })
    assert.deepEqual(started, {
      ok: false,
      error: {
        code: 'bad_request',
        message: 'budget: "metrics.lcp" must be a number ≥ 0 (a maximum), got -1.',
      },
    })
    assert.deepEqual((await a.store.listTests({ limit: 5 })).tests, [])
  })
})

function toPlain<T>(value: T | null): T {
  if (value === null) throw new Error('expected a value')
  return value
}
