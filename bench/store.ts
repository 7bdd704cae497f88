/**
 * The store under load, on SQLite (the default: a file, WAL, synchronous=NORMAL) and on a
 * real PostgreSQL started for the run:
 *
 * (a) history: 10 000 stored tests (three rows each, over 50 URLs), then a page of 20
 *     listed by URL — the query behind `GET /api/tests?url=` — p50 and p90 ms;
 * (b) write throughput of row updates, one transaction each as a running test writes
 *     them: a status change, and a final row with a 20-request network log (an artifact).
 *
 *   npm run bench -- store
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type RowInput, type TestStore } from '../src/store/index.ts'
import { startPostgres } from '../test/support/postgres.ts'
import { fmt, percentile } from './support.ts'

const TESTS = 10_000
const URLS = 50
const REGIONS = ['ord', 'fra', 'syd']
const LIST_TARGET_MS = 10
const WRITE_TARGET_PER_S = 200

const body = (status: string, load: number | null) => ({
  status,
  httpStatus: 200,
  finalUrl: 'https://example.com/',
  metrics: { ttfb: 80, fcp: 300, lcp: 450, cls: 0.01, tbt: 0, domContentLoaded: 350, load },
  requests: 20,
  transferBytes: 512_000,
  cold: false,
  bootMs: 0,
  error: null,
  updatedAt: Date.now(),
})

const entries = Array.from({ length: 20 }, (_, i) => ({
  url: `https://example.com/asset-${i}.js`,
  type: 'script',
  status: 200,
  start: i * 10,
  end: i * 10 + 40,
  bytes: 25_000,
}))

async function fill(store: TestStore): Promise<void> {
  const base = Date.parse('2026-11-01T00:00:00.000Z')
  // In transactions of 500, so filling is quick; the figures below are one transaction per write.
  for (let start = 0; start < TESTS; start += 500) {
    await store.db.transaction().execute(async (trx) => {
      const tests = []
      const rows = []
      for (let i = start; i < Math.min(TESTS, start + 500); i++) {
        const id = `bench${i.toString().padStart(6, '0')}`
        tests.push({
          id,
          url: `https://site-${i % URLS}.example/`,
          created_at: new Date(base + i * 1000).toISOString(),
          state: 'done',
          owner: 'ord-bench',
        })
        for (const [position, region] of REGIONS.entries()) {
          rows.push({
            test_id: id,
            node: `${region}-bench`,
            position,
            region,
            status: 'complete',
            body: JSON.stringify(body('complete', 900 + (i % 100))),
          })
        }
      }
      await trx.insertInto('tests').values(tests).execute()
      await trx.insertInto('test_rows').values(rows).execute()
    })
  }
}

interface StoreFigures {
  listP50Ms: number
  listP90Ms: number
  updatesPerS: number
  finalRowsPerS: number
}

async function measure(store: TestStore): Promise<StoreFigures> {
  await fill(store)
  const times: number[] = []
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now()
    const page = await store.listTests({ url: `https://site-${i % URLS}.example/`, limit: 20 })
    times.push(performance.now() - t0)
    if (page.tests.length !== 20 || page.tests[0]?.rows.length !== REGIONS.length) {
      throw new Error('history page came back short')
    }
  }
  await store.createTest(
    {
      id: 'writes',
      url: 'https://writes.example/',
      createdAt: new Date().toISOString(),
      state: 'running',
      owner: 'x',
    },
    [],
  )
  const row = (status: string, extra: Partial<RowInput> = {}): RowInput => ({
    node: 'ord-bench',
    region: 'ord',
    position: 0,
    status,
    body: body(status, status === 'complete' ? 900 : null),
    ...extra,
  })
  const updates = 500
  let t0 = performance.now()
  for (let i = 0; i < updates; i++)
    await store.saveRow('writes', row(i % 2 ? 'loading' : 'starting'), 'running')
  const updatesPerS = updates / ((performance.now() - t0) / 1000)
  const finals = 200
  t0 = performance.now()
  for (let i = 0; i < finals; i++) {
    await store.saveRow('writes', row('complete', { node: `n${i}`, artifacts: { entries } }), 'running')
  }
  const finalRowsPerS = finals / ((performance.now() - t0) / 1000)
  return { listP50Ms: percentile(times, 50), listP90Ms: percentile(times, 90), updatesPerS, finalRowsPerS }
}

function print(name: string, figures: StoreFigures): void {
  console.log(`${name}`)
  console.log(
    `  list 20 of ${TESTS} tests by URL   p50 ${fmt(figures.listP50Ms)}   p90 ${fmt(figures.listP90Ms)}   (target p50 < ${LIST_TARGET_MS} ms)`,
  )
  console.log(
    `  row updates (status change)      ${figures.updatesPerS.toFixed(0)} /s   (target > ${WRITE_TARGET_PER_S} /s)`,
  )
  console.log(`  final rows with a network log    ${figures.finalRowsPerS.toFixed(0)} /s`)
}

export async function benchStore(): Promise<Record<string, StoreFigures>> {
  console.log(`\n## Store (${TESTS} tests × ${REGIONS.length} rows, ${URLS} URLs; one transaction per write)`)
  const dir = mkdtempSync(join(tmpdir(), 'wps-bench-store-'))
  const results: Record<string, StoreFigures> = {}
  try {
    const sqlite = await openStore({ dataDir: dir, databaseUrl: null })
    try {
      results.sqlite = await measure(sqlite)
      print(
        'SQLite (file, WAL, synchronous=NORMAL; artifacts under 64 KiB in the table, larger ones as files)',
        results.sqlite,
      )
    } finally {
      await sqlite.close()
    }
    const server = await startPostgres()
    try {
      const pg = await openStore({ dataDir: null, databaseUrl: server.url })
      try {
        results.postgres = await measure(pg)
        print(
          'PostgreSQL (local server, fsync off as the tests run it; artifacts in the database)',
          results.postgres,
        )
      } finally {
        await pg.close()
      }
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}
