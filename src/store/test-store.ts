/**
 * Tests, their rows and their artifacts, kept in SQLite or PostgreSQL. Every call is
 * written when it happens: a test when it starts, each row version when it changes — so
 * a crash loses at most the updates in flight — and a row's large data (the network log)
 * goes to the artifact place, referred to by name.
 *
 * New tests, row versions and files (`createTest`, `saveRow`, `saveFiles`) are applied in
 * the order they are called, and those that arrive together share one transaction (group
 * commit): each call still resolves only once its own data is committed, but 30 regions'
 * rows arriving in the same instant cost one commit, not 30, and of the versions of one
 * row in a batch only the latest is written. A batch that fails is retried one call at a
 * time, so a bad call fails alone. On SQLite a batch runs as cached prepared statements
 * (sqlite-writes.ts); on PostgreSQL as a few multi-row statements.
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
import type { Kysely, Transaction } from 'kysely'
import { type ArtifactPlace, DatabaseArtifacts, FileArtifacts } from './artifacts.ts'
import { isLockContention, openConnection, type StoreLocation } from './connect.ts'
import { type Cursor, encodeCursor } from './cursor.ts'
import { migrateToLatest } from './migrations.ts'
import type { Schema } from './schema.ts'
import {
  type ArtifactValues,
  type RowValues,
  SqliteWrites,
  type TestValues,
  type WriteBatch,
} from './sqlite-writes.ts'

export type JsonObject = Record<string, unknown>

export interface TestHeader {
  id: string
  url: string
  createdAt: string
  state: string
  owner: string
}

export interface RowInput {
  node: string
  region: string
  position: number
  status: string
  body: JsonObject
  /** Large data kept beside the row, by name (JSON-serialisable). */
  artifacts?: Record<string, unknown>
}

/** A file an API serves as it is (an image), kept beside a row. */
export interface StoredFile {
  name: string
  contentType: string
  data: Buffer
}

/** Artifacts under this prefix are files, not row data (see saveFiles). */
const FILE_PREFIX = 'file:'

export interface StoredRow {
  node: string
  region: string
  status: string
  body: JsonObject
  /** Loaded on full reads (`getTest`, `getRow`); empty in lists. */
  artifacts: Record<string, unknown>
}

export interface StoredTest extends TestHeader {
  rows: StoredRow[]
}

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

/** A queued write: a new test, a row version or a row's files, with the caller waiting for its commit. */
type Write =
  | { kind: 'create'; header: TestHeader; rows: readonly RowInput[] }
  | { kind: 'row'; testId: string; row: RowInput; state: string }
  | { kind: 'files'; testId: string; node: string; files: readonly StoredFile[] }
type QueuedWrite = Write & { resolve: () => void; reject: (error: unknown) => void }

/**
 * How long the first write of a batch waits for others to join it while the store is busy
 * with many writers (its last batch held several writes and committed within the last
 * BUSY_MS): then rows of many tests arrive a few hundred µs apart, and waiting gathers
 * them into one commit (a commit and its WAL writes are much of a batch's cost). An idle
 * store, or one writer awaiting each write in turn, writes after this turn of the event loop.
 */
const GROUP_COMMIT_MS = 4
const BUSY_MS = 20
/** Most writes in one transaction: a bound on how long one commit holds the database. */
const MAX_BATCH = 500
/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound on bound parameters. */
const UPSERT_CHUNK = 200

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function rowValues(testId: string, row: RowInput): RowValues {
  return {
    test_id: testId,
    node: row.node,
    position: row.position,
    region: row.region,
    status: row.status,
    body: JSON.stringify(row.body),
  }
}

export class TestStore {
  readonly #db: Kysely<Schema>
  /** SQLite only: the batch writes as prepared statements. */
  readonly #sqlite: SqliteWrites | null
  readonly #artifacts: ArtifactPlace
  readonly #queue: QueuedWrite[] = []
  /** Set while queued writes are being applied; resolves once the queue is empty. */
  #draining: Promise<void> | null = null
  /** performance.now() of the last commit's end, and how many writes it held. */
  #committedAt = Number.NEGATIVE_INFINITY
  #committedWrites = 0

  private constructor(db: Kysely<Schema>, sqlite: Database.Database | null, artifacts: ArtifactPlace) {
    this.#db = db
    this.#sqlite = sqlite ? new SqliteWrites(sqlite) : null
    this.#artifacts = artifacts
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
    return this.#enqueue({ kind: 'create', header, rows })
  }

  /** Writes the latest version of one row, and the test's state, in order with every other write. */
  saveRow(testId: string, row: RowInput, state: string): Promise<void> {
    return this.#enqueue({ kind: 'row', testId, row, state })
  }

  #enqueue(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...write, resolve, reject })
      // Later (after this turn, or GROUP_COMMIT_MS when busy), so writes made about the same time batch together.
      this.#draining ??= new Promise<void>((done) => {
        const busy = this.#committedWrites > 1 && performance.now() - this.#committedAt < BUSY_MS
        if (busy) setTimeout(done, GROUP_COMMIT_MS)
        else setImmediate(done)
      }).then(() => this.#drain())
    })
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH)
        try {
          await this.#apply(batch)
          this.#committedAt = performance.now()
          this.#committedWrites = batch.length
          for (const write of batch) write.resolve()
        } catch {
          // Something in the batch failed: apply it call by call, so each caller hears its own fate.
          for (const write of batch) {
            try {
              await this.#apply([write])
              write.resolve()
            } catch (error) {
              write.reject(error)
            }
          }
        }
      }
    } finally {
      this.#draining = null
    }
  }

  /** One transaction for the batch; artifact files first, one write per name (the last version wins). */
  async #apply(batch: readonly QueuedWrite[]): Promise<void> {
    const artifacts = new Map<string, { testId: string; node: string; name: string; data: string }>()
    const keepArtifacts = (testId: string, row: RowInput): void => {
      for (const [name, value] of Object.entries(row.artifacts ?? {})) {
        artifacts.set(`${testId}\n${row.node}\n${name}`, {
          testId,
          node: row.node,
          name,
          data: JSON.stringify(value),
        })
      }
    }
    const creates: WriteBatch['creates'][number][] = []
    // The latest version of each row in the batch: the transaction makes the batch one step.
    const rows = new Map<string, RowValues>()
    const states = new Map<string, string>()
    for (const write of batch) {
      if (write.kind === 'create') {
        const { header } = write
        const test: TestValues = {
          id: header.id,
          url: header.url,
          created_at: header.createdAt,
          state: header.state,
          owner: header.owner,
        }
        creates.push({ test, rows: write.rows.map((row) => rowValues(header.id, row)) })
        for (const row of write.rows) keepArtifacts(header.id, row)
      } else if (write.kind === 'row') {
        keepArtifacts(write.testId, write.row)
        const key = `${write.testId}\n${write.row.node}`
        rows.delete(key) // so the map keeps call order
        rows.set(key, rowValues(write.testId, write.row))
        states.set(write.testId, write.state)
      } else {
        for (const file of write.files) {
          const name = `${FILE_PREFIX}${file.name}`
          artifacts.set(`${write.testId}\n${write.node}\n${name}`, {
            testId: write.testId,
            node: write.node,
            name,
            data: JSON.stringify({ contentType: file.contentType, base64: file.data.toString('base64') }),
          })
        }
      }
    }
    const placed: ArtifactValues[] = await Promise.all(
      [...artifacts.values()].map(async (a) => ({
        test_id: a.testId,
        node: a.node,
        name: a.name,
        bytes: Buffer.byteLength(a.data),
        ...(await this.#artifacts.write(a.testId, a.node, a.name, a.data)),
      })),
    )
    const writes: WriteBatch = { creates, artifacts: placed, rows: [...rows.values()], states }
    const sqlite = this.#sqlite
    if (sqlite) {
      // Holding the query layer's one connection, so no transaction of its is open meanwhile.
      await this.#db.connection().execute(async () => sqlite.apply(writes))
      return
    }
    await this.#db.transaction().execute((trx) => applyWithKysely(trx, writes))
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
    return this.#enqueue({ kind: 'files', testId, node, files })
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
    await this.#draining
    await this.#db.destroy()
  }
}

/** A batch as a few multi-row statements (PostgreSQL), so it costs a few round trips however many rows it holds. */
async function applyWithKysely(trx: Transaction<Schema>, batch: WriteBatch): Promise<void> {
  for (const { test, rows } of batch.creates) {
    await trx.insertInto('tests').values(test).execute()
    for (const chunk of chunks(rows, UPSERT_CHUNK)) await trx.insertInto('test_rows').values(chunk).execute()
  }
  for (const chunk of chunks(batch.artifacts, UPSERT_CHUNK)) {
    await trx
      .insertInto('artifacts')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['test_id', 'node', 'name']).doUpdateSet((eb) => ({
          bytes: eb.ref('excluded.bytes'),
          path: eb.ref('excluded.path'),
          content: eb.ref('excluded.content'),
        })),
      )
      .execute()
  }
  for (const chunk of chunks(batch.rows, UPSERT_CHUNK)) {
    await trx
      .insertInto('test_rows')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['test_id', 'node']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          body: eb.ref('excluded.body'),
        })),
      )
      .execute()
  }
  for (const [id, state] of batch.states) {
    await trx.updateTable('tests').set({ state }).where('id', '=', id).execute()
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
