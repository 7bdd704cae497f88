/**
 * Gather once, compute again: a stored test's numbers computed anew from the raw data
 * its rows were computed from (the `gathered.json.gz` artifact, gathered-artifact.ts),
 * by the same pure code a live measurement uses (src/browser/compute.ts). A metric fixed
 * later can so be applied to results already kept; a different definition can be tried
 * on them; and a recomputation that matches shows the stored numbers are what the
 * gathered data make true.
 *
 *   const result = await recomputeTest(store, 'k3x…')                        // null: no such test
 *   result.rows[0].view    // → { stored: { metrics, requests, … }, recomputed: { … }, same: true }
 *   await recomputeTest(store, 'k3x…', { tbtThresholdMs: 100 })              // TBT by another definition
 *   await writeRecomputed(store, result)                                     // the recomputed numbers become the rows'
 *
 * Speed Index and visually complete are carried over from the gathered load (computed in
 * the runner from frames too large to keep); everything else is recomputed. A row
 * without the artifact (an error before any load, a test older than the artifact) or
 * with one this build cannot read says why, and keeps its numbers.
 */
import { type ComputeOptions, computeMeasurement } from '../browser/compute.ts'
import type { GatheredLoad } from '../browser/gathered.ts'
import type { MeasureError, Measurement, Metrics } from '../browser/types.ts'
import type { TestStore } from '../store/index.ts'
import { GATHERED_FILE, readGatheredArtifact } from './gathered-artifact.ts'
import type { RegionResult, RepeatViewResult } from './model.ts'
import { toRowInput, toSpeedTest } from './records.ts'
import { repeatViewResult } from './repeat-view.ts'

/** The numbers of one view that a recomputation can change. */
export interface ViewNumbers {
  httpStatus: number | null
  finalUrl: string | null
  metrics: Metrics
  requests: number | null
  transferBytes: number | null
  error: MeasureError | null
}

export interface RecomputedView {
  stored: ViewNumbers
  recomputed: ViewNumbers
  /** Whether every number came out as stored. */
  same: boolean
}

export interface RecomputedRow {
  region: string
  node: string
  /** The row's own numbers; null when they could not be recomputed (see `problem`). */
  view: RecomputedView | null
  repeatView?: RecomputedView
  /** Why the row was not recomputed, or null. */
  problem: string | null
}

export interface RecomputedTest {
  id: string
  url: string
  state: string
  rows: RecomputedRow[]
  /** The rows with their recomputed numbers, in order (unchanged where not recomputed): what `writeRecomputed` stores. */
  updated: RegionResult[]
}

const numbersOf = (v: ViewNumbers): ViewNumbers => ({
  httpStatus: v.httpStatus,
  finalUrl: v.finalUrl,
  metrics: v.metrics,
  requests: v.requests,
  transferBytes: v.transferBytes,
  error: v.error,
})

/** Key by key, so a field order difference (JSON round trip) is no difference. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((key) => equal(Reflect.get(a, key), Reflect.get(b, key)))
}

function compare(stored: ViewNumbers, recomputed: ViewNumbers): RecomputedView {
  const view = { stored: numbersOf(stored), recomputed: numbersOf(recomputed) }
  return { ...view, same: equal(view.stored, view.recomputed) }
}

/** One stored row against its gathered loads: the comparison and the row with the new numbers. */
export function recomputeRow(
  row: RegionResult,
  gathered: { view: GatheredLoad; repeatView?: GatheredLoad },
  options: ComputeOptions = {},
): { recomputed: RecomputedRow; updated: RegionResult } {
  const view: Measurement = computeMeasurement(gathered.view, options)
  // The stored budget verdict was for the stored numbers: it does not carry over.
  const { budget: _staleVerdict, ...unjudged } = row
  const updated: RegionResult = {
    ...unjudged,
    httpStatus: view.httpStatus,
    finalUrl: view.finalUrl,
    metrics: view.metrics,
    requests: view.requests,
    transferBytes: view.transferBytes,
    entries: view.entries,
    error: view.error,
  }
  const recomputed: RecomputedRow = {
    region: row.region,
    node: row.node,
    view: compare(row, view),
    problem: null,
  }
  if (gathered.repeatView && row.repeatView) {
    const repeat: RepeatViewResult = repeatViewResult(computeMeasurement(gathered.repeatView, options))
    updated.repeatView = repeat
    recomputed.repeatView = compare(row.repeatView, repeat)
  }
  return { recomputed, updated }
}

/** The stored test recomputed row by row; null when there is no such test. */
export async function recomputeTest(
  store: TestStore,
  id: string,
  options: ComputeOptions = {},
): Promise<RecomputedTest | null> {
  const stored = await store.getTest(id)
  if (!stored) return null
  const test = toSpeedTest(stored)
  const rows: RecomputedRow[] = []
  const updated: RegionResult[] = []
  for (const row of test.results) {
    const file = await store.getFile(id, row.node, GATHERED_FILE)
    const read = file
      ? readGatheredArtifact(file.data)
      : {
          ok: false as const,
          message: `no ${GATHERED_FILE} (the row has no page load, or was stored before it was kept)`,
        }
    if (!read.ok) {
      rows.push({ region: row.region, node: row.node, view: null, problem: read.message })
      updated.push(row)
      continue
    }
    const one = recomputeRow(row, read.artifact, options)
    rows.push(one.recomputed)
    updated.push(one.updated)
  }
  return { id: test.id, url: test.url, state: test.state, rows, updated }
}

/** Stores the recomputed numbers as the rows' own (each row that was recomputed); returns how many. */
export async function writeRecomputed(store: TestStore, test: RecomputedTest): Promise<number> {
  let written = 0
  for (const [position, row] of test.updated.entries()) {
    if (test.rows[position]?.view === null) continue
    await store.saveRow(test.id, toRowInput(row, position), test.state)
    written++
  }
  return written
}
