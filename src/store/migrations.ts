/**
 * Versioned migrations, run at start by every node (Kysely's migrator takes a lock, so
 * nodes that start together against one PostgreSQL do not race). A database created by
 * an older version is brought up to date; one migration never changes once released —
 * a change of schema is a new entry at the end.
 *
 *   await migrateToLatest(db)             // at start
 *   await migrateTo(db, '001_tests')      // tests: build a database as an older version left it
 *
 * Each step also tolerates finding its own work done (`ifNotExists`), so a migration cut
 * short by a crash is finished by the next start rather than blocking it.
 *
 * History: 001 kept each row whole, network log included, in `test_rows.body`; 002 adds
 * the artifact table (large data out of the rows, so results stay small to list) and the
 * indexes the history needs. Rows written by 001 are still read as they are.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'

const MIGRATIONS: Record<string, Migration> = {
  '001_tests': {
    async up(db) {
      await db.schema
        .createTable('tests')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('test_rows')
        .ifNotExists()
        .addColumn('test_id', 'text', (c) => c.notNull().references('tests.id').onDelete('cascade'))
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('test_rows_pk', ['test_id', 'node'])
        .execute()
    },
  },
  '002_artifacts_and_history': {
    async up(db) {
      await db.schema
        .createTable('artifacts')
        .ifNotExists()
        .addColumn('test_id', 'text', (c) => c.notNull().references('tests.id').onDelete('cascade'))
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('path', 'text')
        .addColumn('content', 'text')
        .addPrimaryKeyConstraint('artifacts_pk', ['test_id', 'node', 'name'])
        .execute()
      // History by URL and recent tests, newest first, with the id as tie-breaker (the cursor).
      await db.schema
        .createIndex('tests_by_url')
        .ifNotExists()
        .on('tests')
        .columns(['url', 'created_at', 'id'])
        .execute()
      await db.schema
        .createIndex('tests_by_time')
        .ifNotExists()
        .on('tests')
        .columns(['created_at', 'id'])
        .execute()
    },
  },
}

export const MIGRATION_NAMES = Object.keys(MIGRATIONS)

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

function migrator<T>(db: Kysely<T>): Migrator {
  return new Migrator({ db, provider })
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<void> {
  const { error } = await migrator(db).migrateToLatest()
  if (error) throw new Error(`database migration failed: ${describe(error)}`, { cause: error })
}

export async function migrateTo<T>(db: Kysely<T>, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name)
  if (error) throw new Error(`database migration to ${name} failed: ${describe(error)}`, { cause: error })
}

/** Names of the migrations this database has run, oldest first. */
export async function appliedMigrations<T>(db: Kysely<T>): Promise<string[]> {
  const infos = await migrator(db).getMigrations()
  return infos.filter((info) => info.executedAt !== undefined).map((info) => info.name)
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
