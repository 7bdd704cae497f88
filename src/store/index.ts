/**
 * The store layer: tests, rows and artifacts in SQLite (default) or PostgreSQL through
 * one query layer, versioned migrations, retention.
 *
 *   import { parseLocation, startRetention, TestStore } from '../store/index.ts'
 *   const store = await TestStore.open({ location: parseLocation({ dataDir: './data' }), artifactsDir: './data/artifacts' })
 */
export { type ArtifactPlace, DatabaseArtifacts, FileArtifacts, type PlacedArtifact } from './artifacts.ts'
export { connect, parseLocation, SQLITE_FILE, type StoreLocation } from './connect.ts'
export { type Cursor, decodeCursor, encodeCursor } from './cursor.ts'
export { appliedMigrations, MIGRATION_NAMES, migrateTo, migrateToLatest } from './migrations.ts'
export { ARTIFACTS_FOLDER, openStore, type StoreSettings } from './open.ts'
export type { JsonObject, RowInput, StoredFile, StoredRow, StoredTest, TestHeader } from './records.ts'
export { type Retention, type RetentionOptions, startRetention } from './retention.ts'
export * from './test-store.ts'
