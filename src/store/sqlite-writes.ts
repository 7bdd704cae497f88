/**
 * The store's writes on SQLite as cached prepared statements: one batch of the write
 * queue (write-queue.ts) in one `BEGIN IMMEDIATE` transaction, each row a run of a
 * statement prepared once, instead of a query built, compiled and prepared per batch by
 * the query layer — which cost more than SQLite's own work. Same tables, same SQL
 * meaning as the Kysely path that PostgreSQL takes.
 *
 *   const writes = new SqliteWrites(database)
 *   writes.apply({ creates: [{ header, rows }], artifacts, rows, states })   // synchronous, one commit
 *
 * Synchronous on purpose: better-sqlite3 is, and the caller holds Kysely's single
 * connection meanwhile, so no other query can interleave with the transaction.
 */
import type Database from 'better-sqlite3'

export interface TestValues {
  id: string
  url: string
  created_at: string
  state: string
  owner: string
}

export interface RowValues {
  test_id: string
  node: string
  position: number
  region: string
  status: string
  body: string
}

export interface ArtifactValues {
  test_id: string
  node: string
  name: string
  bytes: number
  path: string | null
  content: string | null
}

export interface WriteBatch {
  /** New tests with their first rows (plain inserts: a duplicate fails). */
  creates: readonly { test: TestValues; rows: readonly RowValues[] }[]
  artifacts: readonly ArtifactValues[]
  /** The latest version of each row (upserts). */
  rows: readonly RowValues[]
  /** Test id → state. */
  states: ReadonlyMap<string, string>
}

export class SqliteWrites {
  readonly #insertTest: Database.Statement<[TestValues]>
  readonly #insertRow: Database.Statement<[RowValues]>
  readonly #upsertRow: Database.Statement<[RowValues]>
  readonly #upsertArtifact: Database.Statement<[ArtifactValues]>
  readonly #setState: Database.Statement<[{ id: string; state: string }]>
  readonly #apply: (batch: WriteBatch) => void

  constructor(database: Database.Database) {
    this.#insertTest = database.prepare(
      'INSERT INTO tests (id, url, created_at, state, owner) VALUES (@id, @url, @created_at, @state, @owner)',
    )
    const rowInsert =
      'INSERT INTO test_rows (test_id, node, position, region, status, body) VALUES (@test_id, @node, @position, @region, @status, @body)'
    this.#insertRow = database.prepare(rowInsert)
    this.#upsertRow = database.prepare(
      `${rowInsert} ON CONFLICT (test_id, node) DO UPDATE SET status = excluded.status, body = excluded.body`,
    )
    this.#upsertArtifact = database.prepare(
      'INSERT INTO artifacts (test_id, node, name, bytes, path, content) VALUES (@test_id, @node, @name, @bytes, @path, @content) ' +
        'ON CONFLICT (test_id, node, name) DO UPDATE SET bytes = excluded.bytes, path = excluded.path, content = excluded.content',
    )
    this.#setState = database.prepare('UPDATE tests SET state = @state WHERE id = @id')
    // IMMEDIATE: take the write lock at BEGIN (waiting busy_timeout for another process's),
    // rather than failing when a read transaction has to become a write one.
    this.#apply = database.transaction((batch: WriteBatch) => this.#write(batch)).immediate
  }

  /** Applies the batch in one transaction: all of it, or (it throws) none. */
  apply(batch: WriteBatch): void {
    this.#apply(batch)
  }

  #write(batch: WriteBatch): void {
    for (const { test, rows } of batch.creates) {
      this.#insertTest.run(test)
      for (const row of rows) this.#insertRow.run(row)
    }
    for (const artifact of batch.artifacts) this.#upsertArtifact.run(artifact)
    for (const row of batch.rows) this.#upsertRow.run(row)
    for (const [id, state] of batch.states) this.#setState.run({ id, state })
  }
}
