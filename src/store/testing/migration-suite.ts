/**
 * The upgrade path, on either database: a database as version 001 left it (rows whole,
 * network log inside the row body, no artifact table) is opened by the current store,
 * migrated at start, and still serves what it held — then takes new writes the new way.
 *
 *   migrationSuite('SQLite', async () => ({ location: { kind: 'sqlite', file }, cleanup }))
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { connect, type StoreLocation } from '../connect.ts'
import { appliedMigrations, MIGRATION_NAMES, migrateTo } from '../migrations.ts'
import { TestStore } from '../test-store.ts'

export function migrationSuite(
  name: string,
  prepare: () => Promise<{ location: StoreLocation; cleanup(): Promise<void> }>,
): void {
  it(`upgrades a database made by schema 001 at start (${name})`, async () => {
    const { location, cleanup } = await prepare()
    try {
      const old = connect(location)
      await migrateTo(old, '001_tests')
      assert.deepEqual(await appliedMigrations(old), ['001_tests'])
      const entries = [{ url: 'https://v1.example/app.js', bytes: 1234 }]
      await old
        .insertInto('tests')
        .values({
          id: 'v1test',
          url: 'https://v1.example/',
          created_at: '2026-11-30T12:00:00.000Z',
          state: 'done',
          owner: 'ord-old',
        })
        .execute()
      await old
        .insertInto('test_rows')
        .values({
          test_id: 'v1test',
          node: 'ord-old',
          position: 0,
          region: 'ord',
          status: 'complete',
          body: JSON.stringify({ status: 'complete', metrics: { load: 700 }, entries }),
        })
        .execute()
      await old.destroy()

      const store = await TestStore.open({ location })
      try {
        assert.deepEqual(await appliedMigrations(store.db), MIGRATION_NAMES)
        const test = await store.getTest('v1test')
        assert.equal(test?.state, 'done')
        assert.deepEqual(test?.rows[0]?.body, { status: 'complete', metrics: { load: 700 }, entries })
        const listed = await store.listTests({ url: 'https://v1.example/', limit: 10 })
        assert.deepEqual(
          listed.tests.map((t) => t.id),
          ['v1test'],
        )
        await store.createTest(
          {
            id: 'v2test',
            url: 'https://v1.example/',
            createdAt: '2026-12-01T12:00:00.000Z',
            state: 'running',
            owner: 'ord-new',
          },
          [{ node: 'ord-new', region: 'ord', position: 0, status: 'starting', body: {} }],
        )
        await store.saveRow(
          'v2test',
          {
            node: 'ord-new',
            region: 'ord',
            position: 0,
            status: 'complete',
            body: {},
            artifacts: { entries },
          },
          'done',
        )
        assert.deepEqual((await store.getTest('v2test'))?.rows[0]?.artifacts, { entries })
        assert.deepEqual(
          (await store.listTests({ url: 'https://v1.example/', limit: 10 })).tests.map((t) => t.id),
          ['v2test', 'v1test'],
        )
      } finally {
        await store.close()
      }
      // Opening again finds nothing left to do.
      const again = await TestStore.open({ location })
      assert.deepEqual(await appliedMigrations(again.db), MIGRATION_NAMES)
      await again.close()
    } finally {
      await cleanup()
    }
  })
}
