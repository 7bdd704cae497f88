/**
 * What every store must do, whichever database is behind it: the same cases run on
 * SQLite (src/store/test-store.test.ts) and on a real PostgreSQL (test/store/postgres.test.ts).
 *
 *   storeSuite('SQLite', async () => TestStore.open({ location: { kind: 'memory' } }))
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { decodeCursor } from '../cursor.ts'
import type { RowInput, TestHeader } from '../records.ts'
import { startRetention } from '../retention.ts'
import type { TestStore } from '../test-store.ts'

export interface SuiteTarget {
  store: TestStore
  /** Files the artifact place holds for a test (file artifacts), or null when they live in the database. */
  artifactFiles?: (testId: string) => string[]
  close(): Promise<void>
}

let serial = 0
const header = (overrides: Partial<TestHeader> = {}): TestHeader => ({
  id: `t${(++serial).toString().padStart(4, '0')}${Math.random().toString(36).slice(2, 8)}`,
  url: 'https://example.com/',
  createdAt: new Date().toISOString(),
  state: 'running',
  owner: 'ord-1',
  ...overrides,
})

const row = (node: string, position: number, overrides: Partial<RowInput> = {}): RowInput => ({
  node,
  region: node.split('-')[0] ?? node,
  position,
  status: 'starting',
  body: { status: 'starting', metrics: { load: null } },
  ...overrides,
})

export function storeSuite(name: string, open: () => Promise<SuiteTarget>): void {
  describe(`store on ${name}`, () => {
    let target: SuiteTarget
    const ready = open().then((opened) => {
      target = opened
    })
    after(async () => {
      await ready
      await target.close()
    })

    it('keeps a test and its rows in the order they were created; unknown ids are null', async () => {
      await ready
      const test = header()
      await target.store.createTest(test, [row('syd-1', 0), row('fra-1', 1), row('ord-1', 2)])
      const got = await target.store.getTest(test.id)
      assert.deepEqual(
        { ...got, rows: got?.rows.map((r) => r.node) },
        { ...test, rows: ['syd-1', 'fra-1', 'ord-1'] },
      )
      assert.equal(await target.store.getTest('no-such-test'), null)
      assert.equal(await target.store.getRow(test.id, 'nobody'), null)
    })

    it('applies writes made at once in call order, in one batch, and fails a bad one alone', async () => {
      await ready
      const test = header()
      await target.store.createTest(test, [row('ord-1', 0), row('fra-1', 1)])
      const image = { name: 'frame-0.jpg', contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 1]) }
      // Not awaited one by one: these share a batch, as the rows of 30 regions landing together do.
      const writes = await Promise.allSettled([
        target.store.saveRow(test.id, row('ord-1', 0, { status: 'loading' }), 'running'),
        target.store.saveRow(
          test.id,
          row('ord-1', 0, { status: 'complete', body: { load: 1 }, artifacts: { entries: [1] } }),
          'running',
        ),
        // no such test: the foreign key refuses this row
        target.store.saveRow('no-such-test', row('ord-1', 0, { status: 'loading' }), 'running'),
        target.store.saveFiles(test.id, 'ord-1', [image]),
        target.store.saveRow(
          test.id,
          row('ord-1', 0, { status: 'complete', body: { load: 2 }, artifacts: { entries: [2] } }),
          'running',
        ),
        target.store.saveRow(test.id, row('fra-1', 1, { status: 'complete', body: { load: 3 } }), 'done'),
      ])
      assert.deepEqual(
        writes.map((w) => w.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
      )
      const got = await target.store.getTest(test.id)
      assert.equal(got?.state, 'done')
      const ord = got?.rows.find((r) => r.node === 'ord-1')
      assert.deepEqual(
        { body: ord?.body, entries: ord?.artifacts.entries },
        { body: { load: 2 }, entries: [2] },
      )
      assert.deepEqual(got?.rows.find((r) => r.node === 'fra-1')?.body, { load: 3 })
      assert.deepEqual((await target.store.getFile(test.id, 'ord-1', 'frame-0.jpg'))?.data, image.data)
      assert.equal(await target.store.getTest('no-such-test'), null)
    })

    it('writes each row version with the test state; artifacts come back on full reads only', async () => {
      await ready
      const test = header({ url: `https://example.com/artifacts/${serial}` })
      await target.store.createTest(test, [row('ord-1', 0), row('fra-1', 1)])
      const entries = Array.from({ length: 50 }, (_, i) => ({ url: `https://example.com/${i}.js`, bytes: i }))
      await target.store.saveRow(test.id, row('ord-1', 0, { status: 'loading', body: { run: 1 } }), 'running')
      assert.equal((await target.store.getRow(test.id, 'ord-1'))?.status, 'loading')
      await target.store.saveRow(
        test.id,
        row('ord-1', 0, { status: 'complete', body: { metrics: { load: 812 } }, artifacts: { entries } }),
        'running',
      )
      await target.store.saveRow(test.id, row('fra-1', 1, { status: 'error', body: { error: 'x' } }), 'done')

      const full = await target.store.getTest(test.id)
      assert.equal(full?.state, 'done')
      const ord = full?.rows.find((r) => r.node === 'ord-1')
      assert.deepEqual(ord?.body, { metrics: { load: 812 } })
      assert.deepEqual(ord?.artifacts, { entries })
      assert.deepEqual((await target.store.getRow(test.id, 'ord-1'))?.artifacts, { entries })
      assert.deepEqual(full?.rows.find((r) => r.node === 'fra-1')?.artifacts, {})

      const listed = await target.store.listTests({ url: test.url, limit: 5 })
      assert.deepEqual(
        listed.tests.map((t) => t.id),
        [test.id],
      )
      assert.deepEqual(listed.tests[0]?.rows[0]?.artifacts, {}, 'lists leave artifacts out')
      assert.deepEqual(listed.tests[0]?.rows[0]?.body, { metrics: { load: 812 } })
      // A log this small is kept in the database, committed with its row: no file of its own.
      if (target.artifactFiles) assert.deepEqual(target.artifactFiles(test.id), [])
    })

    it('keeps files beside a row, bytes and type intact, read one at a time and never with the row', async () => {
      await ready
      const test = header()
      await target.store.createTest(test, [row('ord-1', 0)])
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 250])
      await target.store.saveFiles(test.id, 'ord-1', [
        { name: 'frame-0.jpg', contentType: 'image/jpeg', data: jpeg },
        { name: 'screenshot.jpg', contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 9]) },
      ])
      const file = await target.store.getFile(test.id, 'ord-1', 'frame-0.jpg')
      assert.equal(file?.contentType, 'image/jpeg')
      assert.deepEqual(file?.data, jpeg)
      assert.equal(await target.store.getFile(test.id, 'ord-1', 'frame-1.jpg'), null)
      assert.equal(await target.store.getFile(test.id, 'fra-1', 'frame-0.jpg'), null)
      // Saved again under the same name: replaced.
      await target.store.saveFiles(test.id, 'ord-1', [
        { name: 'frame-0.jpg', contentType: 'image/jpeg', data: jpeg.subarray(0, 4) },
      ])
      assert.deepEqual(
        (await target.store.getFile(test.id, 'ord-1', 'frame-0.jpg'))?.data,
        jpeg.subarray(0, 4),
      )
      assert.deepEqual((await target.store.getTest(test.id))?.rows[0]?.artifacts, {})
      assert.deepEqual((await target.store.getRow(test.id, 'ord-1'))?.artifacts, {})
      // Retention takes them with the test.
      await target.store.deleteCreatedBefore(new Date(Date.now() + 60_000))
      assert.equal(await target.store.getFile(test.id, 'ord-1', 'screenshot.jpg'), null)
    })

    it('lists by URL newest first, in pages that neither repeat nor skip (ties broken by id)', async () => {
      await ready
      const url = `https://history.example/${serial}`
      const base = Date.parse('2026-01-01T00:00:00.000Z')
      const made: TestHeader[] = []
      for (let i = 0; i < 7; i++) {
        // Two tests share each timestamp: the id decides their order.
        const test = header({ url, createdAt: new Date(base + Math.floor(i / 2) * 1000).toISOString() })
        made.push(test)
        await target.store.createTest(test, [row('ord-1', 0)])
      }
      await target.store.createTest(header({ url: `${url}other` }), [row('ord-1', 0)])
      const expected = [...made]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : -1))
        .map((t) => t.id)
      const seen: string[] = []
      let before: string | null = null
      let pages = 0
      do {
        const cursor = before === null ? undefined : (decodeCursor(before) ?? undefined)
        const page = await target.store.listTests({ url, limit: 3, ...(cursor ? { before: cursor } : {}) })
        seen.push(...page.tests.map((t) => t.id))
        assert.ok(page.tests.every((t) => t.url === url))
        before = page.next
        pages++
      } while (before !== null && pages < 10)
      assert.deepEqual(seen, expected)
      assert.equal(pages, 3)

      const recent = await target.store.listTests({ limit: 2 })
      assert.equal(recent.tests.length, 2)
      assert.ok(recent.next)
      assert.ok((recent.tests[0]?.createdAt ?? '') >= (recent.tests[1]?.createdAt ?? ''))
    })

    it('deletes tests older than the retention period, with their rows and artifacts', async () => {
      await ready
      const old = header({ createdAt: '2000-01-01T00:00:00.000Z', url: 'https://old.example/' })
      const young = header({ url: 'https://old.example/' })
      // Large enough (> 64 KiB) to be kept as a file where the store has an artifact folder.
      const bigLog = Array.from({ length: 1_000 }, (_, i) => ({
        url: `https://old.example/asset-${i}.js`,
        bytes: i,
        padding: 'x'.repeat(60),
      }))
      for (const test of [old, young]) {
        await target.store.createTest(test, [row('ord-1', 0)])
        await target.store.saveRow(
          test.id,
          row('ord-1', 0, { status: 'complete', artifacts: { entries: bigLog } }),
          'done',
        )
      }
      if (target.artifactFiles) assert.equal(target.artifactFiles(old.id).length, 1)
      const retention = startRetention(target.store, {
        days: 30,
        intervalMs: 3_600_000,
        now: () => Date.parse('2000-01-20T00:00:00.000Z'),
      })
      await retention.stop()
      assert.ok(await target.store.getTest(old.id), 'not yet 30 days old at the start')
      const later = startRetention(target.store, { days: 30, onSweep: () => {} })
      assert.ok((await later.sweep()) >= 1)
      await later.stop()
      assert.equal(await target.store.getTest(old.id), null)
      assert.equal(await target.store.getRow(old.id, 'ord-1'), null)
      const artifacts = await target.store.db
        .selectFrom('artifacts')
        .select('name')
        .where('test_id', '=', old.id)
        .execute()
      assert.deepEqual(artifacts, [])
      if (target.artifactFiles) assert.deepEqual(target.artifactFiles(old.id), [])
      assert.equal((await target.store.getTest(young.id))?.rows[0]?.status, 'complete')
      assert.deepEqual((await target.store.getTest(young.id))?.rows[0]?.artifacts, { entries: bigLog })
    })
  })
}
