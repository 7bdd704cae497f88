/**
 * What the store keeps, as its callers see it: a test's header, its rows, and the files
 * kept beside a row. The store knows JSON objects, not speed tests.
 *
 *   const header: TestHeader = { id, url, createdAt, state: 'running', owner: 'ord-1' }
 *   const row: RowInput = { node: 'ord-1', region: 'ord', position: 0, status: 'complete', body, artifacts: { entries } }
 *   const file: StoredFile = { name: 'frame-0.jpg', contentType: 'image/jpeg', data }
 *
 * A row's artifacts and its files are both rows of the `artifacts` table; the files'
 * names carry FILE_PREFIX, so a row's full read (which loads its artifacts) skips them.
 */
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
export const FILE_PREFIX = 'file:'

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
