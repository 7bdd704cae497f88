/**
 * The tables, as the query layer sees them. One schema for SQLite and PostgreSQL: only
 * types both speak (text, integer), times as ISO-8601 text (they sort as they read),
 * and a row's body as JSON text, so the database never needs to know a RegionResult.
 *
 *   tests      id · url · created_at · state · owner            one line per test
 *   test_rows  test_id · node · position · region · status · body   one line per row (latest version)
 *   artifacts  test_id · node · name · bytes · path | content   large per-row data, see artifacts.ts
 */

export interface TestsTable {
  id: string
  /** The normalised URL: history matches it exactly. */
  url: string
  created_at: string
  state: string
  /** The node that runs the test and can stream its live events to other nodes. */
  owner: string
}

export interface RowsTable {
  test_id: string
  node: string
  /** The row's place in the test, so rows read back in the order they were created. */
  position: number
  region: string
  status: string
  body: string
}

export interface ArtifactsTable {
  test_id: string
  node: string
  name: string
  bytes: number
  /** Relative to the artifact folder when the data lives in a file… */
  path: string | null
  /** …or the data itself, when it lives in the database. */
  content: string | null
}

export interface Schema {
  tests: TestsTable
  test_rows: RowsTable
  artifacts: ArtifactsTable
}
