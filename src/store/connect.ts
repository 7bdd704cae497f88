/**
 * The one place that knows which database is behind the store. Everything else speaks
 * Kysely, which writes each query in the dialect of the connection it was given — so no
 * SQL dialect switch lives anywhere else.
 *
 *   connect(parseLocation({ dataDir: './data' }))                         // SQLite file ./data/wps.sqlite
 *   connect(parseLocation({ databaseUrl: 'postgres://wps@db:5432/wps' }))  // PostgreSQL
 *   connect({ kind: 'memory' })                                            // SQLite in memory (wps run, tests)
 *
 * SQLite runs in WAL mode with `synchronous=NORMAL`: a commit is in the WAL (the OS's
 * page cache) before the call returns, so a crashed node — even by kill -9 — loses
 * nothing committed; only a crash of the machine itself (power, kernel) may lose the last
 * commits, and never the file's consistency. Not FULL, because better-sqlite3 commits on
 * the node's event loop and an fsync waits for the disk (up to 200 ms at p99 on a busy
 * one, measured): every live stream on the node would stall with it.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import {
  type DialectAdapter,
  Kysely,
  type MigrationLockOptions,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from 'kysely'
import pg from 'pg'
import type { Schema } from './schema.ts'

export type StoreLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'memory' }
  | { kind: 'postgres'; url: string }

export const SQLITE_FILE = 'wps.sqlite'

/** `databaseUrl` (postgres://…) wins; else a SQLite file in `dataDir`; else memory. */
export function parseLocation(options: {
  databaseUrl?: string | null
  dataDir?: string | null
}): StoreLocation {
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL.')
    }
    return { kind: 'postgres', url: options.databaseUrl }
  }
  if (options.dataDir) return { kind: 'sqlite', file: join(options.dataDir, SQLITE_FILE) }
  return { kind: 'memory' }
}

export function connect(location: StoreLocation): Kysely<Schema> {
  return openConnection(location).db
}

/**
 * The query layer, and for SQLite also the database handle under it: the store's hot
 * writes run as cached prepared statements on it (sqlite-writes.ts), while holding
 * Kysely's one connection so they never land inside another caller's transaction.
 */
export function openConnection(location: StoreLocation): {
  db: Kysely<Schema>
  sqlite: Database.Database | null
} {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.url, max: 10 })
    // An idle connection that the server drops must not crash the node; the next query reconnects.
    pool.on('error', () => {})
    return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), sqlite: null }
  }
  if (location.kind === 'sqlite') mkdirSync(join(location.file, '..'), { recursive: true })
  const database = new Database(location.kind === 'sqlite' ? location.file : ':memory:')
  try {
    configure(database)
  } catch (error) {
    database.close()
    throw error
  }
  return { db: new Kysely<Schema>({ dialect: new SharedFileSqliteDialect({ database }) }), sqlite: database }
}

function configure(database: Database.Database): void {
  // First, so the statements below wait for another process's lock instead of failing.
  database.pragma('busy_timeout = 5000')
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
}

/**
 * Kysely's SQLite adapter takes no migration lock (it assumes one process). Nodes of
 * `wps dev` share one file and start together, so the migrations run inside one
 * `BEGIN IMMEDIATE` transaction: the first process to get SQLite's write lock migrates,
 * the others wait for it and then find nothing left to do. PostgreSQL's adapter locks
 * a row of its own already.
 */
class MigrationLockingSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, _options: MigrationLockOptions): Promise<void> {
    await sql`begin immediate`.execute(db)
  }

  override async releaseMigrationLock(db: Kysely<unknown>, _options: MigrationLockOptions): Promise<void> {
    try {
      await sql`commit`.execute(db)
    } catch (error) {
      // The lock was never taken (the other process held it too long): nothing to commit,
      // and the caller should see why the lock failed, not this.
      if (!/no transaction is active/.test(String(error))) throw error
    }
  }
}

class SharedFileSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new MigrationLockingSqliteAdapter()
  }
}

/**
 * Whether an error is another process holding SQLite's write lock (several `wps dev`
 * nodes share one file), which is worth a retry rather than a failure.
 */
export function isLockContention(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (
      (e as { code?: unknown }).code === 'SQLITE_BUSY' ||
      /SQLITE_BUSY|database is locked/.test(e.message)
    ) {
      return true
    }
  }
  return false
}
