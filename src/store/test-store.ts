/**
 * Tests, their rows and their artifacts, kept in SQLite or PostgreSQL. Every call is
 * written when it happens: a test when it starts, each row version when it changes — so
 * a crash loses at most the updates in flight — and a row's large data (the network log)
 * goes to the artifact place, referred to by name.
 *
 * New tests, row versions and files (`createTest`, `saveRow`, `saveFiles`) are applied in
 * the order they are called, and those that arrive together share one transaction (group
 * commit, write-queue.ts): each call still resolves only once its own data is committed,
 * but 30 regions' rows arriving in the same instant cost one commit, not 30.
 *
 *   const store = await TestStore.open({ location: parseLocation({ dataDir: './data' }), artifactsDir: './data/artifacts' })
 *   await store.createTest({ id, url, createdAt, state: 'running', owner: 'ord-1' }, [{ node: 'ord-1', region: 'ord', … }])
 *   await store.saveRow(id, { node: 'ord-1', region: 'ord', position: 0, status: 'complete', body, artifacts: { entries } }, 'done')
 *   await store.getTest(id)                           // rows with their artifacts
 *   await store.listTests({ url, limit: 20 })         // newest first: { tests (no artifacts), next }
 *   await store.saveFiles(id, 'ord-1', [{ name: 'frame-0.jpg', contentType: 'image/jpeg', data }])
 *   await store.getFile(id, 'ord-1', 'frame-0.jpg')   // → { contentType, data: Buffer } | null
 *
 * Files (images a row links to) are artifacts too, but are never loaded with their row:
 * they are read one at a time, by whoever serves them.
 *
 * The store knows JSON objects, not speed tests: what a row means is the app's business.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type Database from 'better-sqlite3'
import type { Kysely } from 'kysely'
import { type ArtifactPlace, DatabaseArtifacts, FileArtifacts } from './artifacts.ts'
import { isLockContention, openConnection, type StoreLocation } from './connect.ts'
import { type Cursor, encodeCursor } from './cursor.ts'
import { migrateToLatest } from './migrations.ts'
import {
  FILE_PREFIX,
  type JsonObject,
  type RowInput,
  type StoredFile,
  type StoredRow,
  type StoredTest,
  type TestHeader,
} from './records.ts'
import type { Schema } from './schema.ts'
import { WriteQueue } from './write-queue.ts'

export interface ListQuery {
  /** Exact match on the stored (normalised) URL; omitted: every test. */
  url?: string
  limit: number
  before?: Cursor
}

export interface ListPage {
  tests: StoredTest[]
  next: string | null
}

export interface OpenOptions {
  location: StoreLocation
  /** Where file artifacts go; without it artifacts are kept in the database. */
  artifactsDir?: string
}

export class TestStore {
  readonly #db: Kysely<Schema>
  readonly #artifacts: ArtifactPlace
  readonly #writes: WriteQueue

  private constructor(db: Kysely<Schema>, sqlite: Database.Database | null, artifacts: ArtifactPlace) {
    this.#db = db
    this.#artifacts = artifacts
    this.#writes = new WriteQueue(db, sqlite, artifacts)
  }

  /** Connects and brings the schema up to date. */
  static async open(options: OpenOptions): Promise<TestStore> {
    // Nodes of `wps dev` share one SQLite file and start together: opening it (switching a
    // new file to WAL takes the lock too) or migrating it while another process holds the
    // write lock tries again rather than failing the node.
    let db: Kysely<Schema> | undefined
    let sqlite: Database.Database | null = null
    for (let attempt = 1; ; attempt++) {
      try {
        ;({ db, sqlite } = openConnection(options.location))
        await migrateToLatest(db)
        break
      } catch (error) {
        await db?.destroy()
        db = undefined
        if (attempt >= 50 || !isLockContention(error)) throw error
        await sleep(100)
      }
    }
    const artifacts = options.artifactsDir ? new FileArtifacts(options.artifactsDir) : new DatabaseArtifacts()
    return new TestStore(db, sqlite, artifacts)
  }

  /** The query layer itself, for migrations tests and benchmarks. */
  get db(): Kysely<Schema> {
    return this.#db
  }

  /** Writes a new test and its first rows, in order with every other write (a duplicate id fails). */
  createTest(header: TestHeader, rows: readonly RowInput[]): Promise<void> {
    return this.#writes.enqueue({ kind: 'create', header, rows })
  }

  /** Writes the latest version of one row, and the test's state, in order with every other write. */
  saveRow(testId: string, row: RowInput, state: string): Promise<void> {
    return this.#writes.enqueue({ kind: 'row', testId, row, state })
  }

  async getTest(id: string): Promise<StoredTest | null> {
    const header = await this.#db.selectFrom('tests').selectAll().where('id', '=', id).executeTakeFirst()
    if (!header) return null
    const rows = await this.#db
      .selectFrom('test_rows')
      .selectAll()
      .where('test_id', '=', id)
      .orderBy('position')
      .execute()
    const artifacts = await this.#db.selectFrom('artifacts').selectAll().where('test_id', '=', id).execute()
    const stored = rows.map(toStoredRow)
    for (const artifact of artifacts) {
      if (artifact.name.startsWith(FILE_PREFIX)) continue
      const row = stored.find((r) => r.node === artifact.node)
      if (row) row.artifacts[artifact.name] = JSON.parse(await this.#artifacts.read(artifact))
    }
    return { ...toHeader(header), rows: stored }
  }

  async getRow(testId: string, node: string): Promise<StoredRow | null> {
    const row = await this.#db
      .selectFrom('test_rows')
      .selectAll()
      .where('test_id', '=', testId)
      .where('node', '=', node)
      .executeTakeFirst()
    if (!row) return null
    const stored = toStoredRow(row)
    const artifacts = await this.#db
      .selectFrom('artifacts')
      .selectAll()
      .where('test_id', '=', testId)
      .where('node', '=', node)
      .execute()
    for (const artifact of artifacts) {
      if (artifact.name.startsWith(FILE_PREFIX)) continue
      stored.artifacts[artifact.name] = JSON.parse(await this.#artifacts.read(artifact))
    }
    return stored
  }

  /** Keeps files beside a row (replacing any of the same name), in order with every other write. */
  saveFiles(testId: string, node: string, files: readonly StoredFile[]): Promise<void> {
    return this.#writes.enqueue({ kind: 'files', testId, node, files })
  }

  async getFile(testId: string, node: string, name: string): Promise<StoredFile | null> {
    const artifact = await this.#db
      .selectFrom('artifacts')
      .selectAll()
      .where('test_id', '=', testId)
      .where('node', '=', node)
      .where('name', '=', `${FILE_PREFIX}${name}`)
      .executeTakeFirst()
    if (!artifact) return null
    const stored: unknown = JSON.parse(await this.#artifacts.read(artifact))
    if (typeof stored !== 'object' || stored === null) return null
    const contentType: unknown = Reflect.get(stored, 'contentType')
    const base64: unknown = Reflect.get(stored, 'base64')
    if (typeof contentType !== 'string' || typeof base64 !== 'string') return null
    return { name, contentType, data: Buffer.from(base64, 'base64') }
  }

  /** Newest first; rows without their artifacts, so a page of history stays small. */
  async listTests(query: ListQuery): Promise<ListPage> {
    let select = this.#db.selectFrom('tests').selectAll()
    if (query.url !== undefined) select = select.where('url', '=', query.url)
    const before = query.before
    if (before) {
      select = select.where((eb) =>
        eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
        ]),
      )
    }
    const headers = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute()
    const page = headers.slice(0, query.limit)
    const ids = page.map((h) => h.id)
    const rows =
      ids.length === 0
        ? []
        : await this.#db
            .selectFrom('test_rows')
            .selectAll()
            .where('test_id', 'in', ids)
            .orderBy('test_id')
            .orderBy('position')
            .execute()
    const tests = page.map((h) => ({
      ...toHeader(h),
      rows: rows.filter((r) => r.test_id === h.id).map(toStoredRow),
    }))
    const last = page.at(-1)
    const next =
      headers.length > query.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null
    return { tests, next }
  }

  /** Deletes tests created before `cutoff`, with their rows and artifacts; returns how many. */
  async deleteCreatedBefore(cutoff: Date, batch = 500): Promise<number> {
    let deleted = 0
    for (;;) {
      const ids = (
        await this.#db
          .selectFrom('tests')
          .select('id')
          .where('created_at', '<', cutoff.toISOString())
          .limit(batch)
          .execute()
      ).map((r) => r.id)
      if (ids.length === 0) return deleted
      await this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('artifacts').where('test_id', 'in', ids).execute()
        await trx.deleteFrom('test_rows').where('test_id', 'in', ids).execute()
        await trx.deleteFrom('tests').where('id', 'in', ids).execute()
      })
      // Files after the rows: a crash in between leaves files no row refers to, never the reverse.
      await this.#artifacts.remove(ids)
      deleted += ids.length
    }
  }

  /** Once every write already called is in (or has failed). */
  async close(): Promise<void> {
    await this.#writes.settled()
    await this.#db.destroy()
  }
}

function toHeader(row: Schema['tests']): TestHeader {
  return { id: row.id, url: row.url, createdAt: row.created_at, state: row.state, owner: row.owner }
}

function toStoredRow(row: Schema['test_rows']): StoredRow {
  const body: unknown = JSON.parse(row.body)
  return {
    node: row.node,
    region: row.region,
    status: row.status,
    body: typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as JsonObject) : {},
    artifacts: {},
  }
}
