/**
 * How a speed test is kept in the store: each RegionResult becomes a row whose body is
 * the result minus its network log, which goes beside it as the `entries` artifact — so
 * lists stay small — and a full read puts the log back. With repeat runs, every other
 * run's log goes beside it the same way (`runEntries`, one per run). Also the summary of a test that
 * the history lists: per-region status and headline numbers, no waterfall.
 *
 *   toRowInput(result, 0)        // → { node, region, position: 0, status, body, artifacts: { entries } }
 *   toSpeedTest(await store.getTest(id))   // the test exactly as GET /api/tests/:id returns it
 *   summarize(test)              // → { id, url, createdAt, state, results: [{ region, status, metrics, … }] }
 *
 * What comes back from the database is checked, not trusted: a row whose status is not
 * one we know reads as an error row rather than as nonsense.
 */
import type { Metrics, RequestEntry } from '../browser/types.ts'
import type { JsonObject, RowInput, StoredRow, StoredTest } from '../store/index.ts'
import { type RegionResult, type RegionStatus, type SpeedTest, type TestState, wholeRow } from './model.ts'

export interface RegionSummary {
  region: string
  node: string
  status: RegionStatus
  httpStatus: number | null
  metrics: Metrics
  requests: number | null
  transferBytes: number | null
  error: { code: string; message: string } | null
}

export interface TestSummary {
  id: string
  url: string
  createdAt: string
  state: TestState
  results: RegionSummary[]
}

const STATUSES: readonly string[] = ['queued', 'starting', 'loading', 'complete', 'error']

export function toRowInput(result: RegionResult, position: number): RowInput {
  const { entries, node, region, runs, ...rest } = result
  // Each run's network log goes beside the row too (`runEntries`, by run), never in its body.
  const runEntries = runs?.some((run) => run.entries) ? runs.map((run) => run.entries ?? null) : undefined
  const body = runs ? { ...rest, runs: runs.map(({ entries: _log, ...run }) => run) } : rest
  const artifacts = { ...(entries ? { entries } : {}), ...(runEntries ? { runEntries } : {}) }
  return {
    node,
    region,
    position,
    status: result.status,
    body: body as JsonObject,
    ...(entries || runEntries ? { artifacts } : {}),
  }
}

export function fromStoredRow(row: StoredRow): RegionResult {
  const body = row.body
  const known = STATUSES.includes(row.status)
  const result: RegionResult = wholeRow(
    { ...(body as Partial<RegionResult>), status: known ? (row.status as RegionStatus) : 'error' },
    isObject(body.metrics) ? (body.metrics as Partial<Metrics>) : undefined,
    row,
  )
  if (!known) result.error = { code: 'internal', message: `The stored row had status "${row.status}".` }
  const entries = row.artifacts.entries
  if (Array.isArray(entries)) result.entries = entries as RegionResult['entries']
  const runEntries = row.artifacts.runEntries
  if (Array.isArray(runEntries) && result.runs) {
    result.runs = result.runs.map((run, i) => {
      const log = runEntries[i]
      return Array.isArray(log) ? { ...run, entries: log as RequestEntry[] } : run
    })
  }
  return result
}

export function toSpeedTest(stored: StoredTest): SpeedTest {
  return {
    id: stored.id,
    url: stored.url,
    createdAt: stored.createdAt,
    state: stored.state === 'done' ? 'done' : 'running',
    results: stored.rows.map(fromStoredRow),
  }
}

export function summarizeRow(result: RegionResult): RegionSummary {
  return {
    region: result.region,
    node: result.node,
    status: result.status,
    httpStatus: result.httpStatus,
    metrics: result.metrics,
    requests: result.requests,
    transferBytes: result.transferBytes,
    error: result.error,
  }
}

export function summarize(test: SpeedTest): TestSummary {
  return {
    id: test.id,
    url: test.url,
    createdAt: test.createdAt,
    state: test.state,
    results: test.results.map(summarizeRow),
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
