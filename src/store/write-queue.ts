/**
 * The store's writes, in call order and in groups (group commit). Every new test, row
 * version and file set is queued; the queue is applied after this turn of the event loop
 * (or a few ms later while the store is busy), so writes made about the same time share
 * one transaction. Each caller's promise resolves only once its own write is committed;
 * of the versions of one row in a batch only the latest is written. A batch that fails is
 * retried one write at a time, so a bad write fails alone.
 *
 *   const queue = new WriteQueue(db, sqlite, artifacts)
 *   await queue.enqueue({ kind: 'row', testId, row, state: 'running' })   // committed
 *   await queue.settled()                                                 // every write called so far is in
 *
 * On SQLite a batch runs as cached prepared statements (sqlite-writes.ts); on PostgreSQL
 * as a few multi-row statements (applyWithKysely).
 */
import type Database from 'better-sqlite3'
import type { Kysely, Transaction } from 'kysely'
import type { ArtifactPlace } from './artifacts.ts'
import { FILE_PREFIX, type RowInput, type StoredFile, type TestHeader } from './records.ts'
import type { Schema } from './schema.ts'
import {
  type ArtifactValues,
  type RowValues,
  SqliteWrites,
  type TestValues,
  type WriteBatch,
} from './sqlite-writes.ts'

/** A queued write: a new test, a row version or a row's files, with the caller waiting for its commit. */
export type Write =
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

export class WriteQueue {
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

  constructor(db: Kysely<Schema>, sqlite: Database.Database | null, artifacts: ArtifactPlace) {
    this.#db = db
    this.#sqlite = sqlite ? new SqliteWrites(sqlite) : null
    this.#artifacts = artifacts
  }

  enqueue(write: Write): Promise<void> {
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

  /** Once every write already called is in (or has failed). */
  async settled(): Promise<void> {
    await this.#draining
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
