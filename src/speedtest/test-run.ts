/**
 * The life of one speed test on the node that started it: a row per region node, each
 * moving `starting → loading → complete | error` (`queued` ⇄ `starting` while it waits for a browser), and the whole test `done` once every
 * row has ended. A `complete` row with `final: false` (the first numbers, before the
 * late window) has not ended yet: its final update follows. Every change is published to subscribers, and a subscriber that joins
 * late is first handed the current state, so nothing is missed.
 *
 *   const run = new TestRun({ id, url, createdAt }, [{ node: 'n1', region: 'ord' }])
 *   run.subscribe((event) => sse.write(event))   // → { type: 'region', result } …, then { type: 'done', test }
 *   run.update('n1', { status: 'loading' })
 *   run.update('n1', { status: 'complete', metrics, requests: 12, … })
 *
 * Transitions only move forward: a late `loading` after `complete` is ignored, and so is
 * a first-numbers row after the final one, so messages that race over the network
 * cannot roll a row back.
 *
 * A row is a value: each update makes a new one, deeply frozen, and subscribers and
 * snapshots get that very object rather than a copy (a deep copy per event and per
 * subscriber was most of the cost of following a test). A listener that tries to change
 * it gets a TypeError, never a corrupted state; whoever wants a changed row makes a new
 * one (`{ ...row, budget }`).
 */
import { emptyMetrics, type RegionResult, type RegionStatus, type SpeedTest } from './model.ts'

export type TestEvent = { type: 'region'; result: RegionResult } | { type: 'done'; test: SpeedTest }

export type TestListener = (event: TestEvent) => void

// queued and starting share a rank: a row may wait again (for the machine's budget) after its runner is found
const RANK: Record<RegionStatus, number> = { queued: 0, starting: 0, loading: 1, complete: 2, error: 2 }

/**
 * Whether a change would roll a row back. A later run of a multi-run test starts over
 * (queued, starting, loading again), so only a change for the same or an earlier run is
 * held to the row's rank.
 */
function movesBack(row: RegionResult, change: { status: RegionStatus; run?: number }): boolean {
  const laterRun = change.run !== undefined && row.run !== undefined && change.run > row.run
  return !laterRun && RANK[change.status] < RANK[row.status]
}

/** Whether a row has ended: an error, or complete with its final numbers. */
export const isFinal = (row: Pick<RegionResult, 'status' | 'final'>): boolean =>
  row.status === 'error' || (row.status === 'complete' && row.final !== false)

export interface RowTarget {
  node: string
  region: string
}

export class TestRun {
  readonly #rows = new Map<string, RegionResult>()
  readonly #listeners = new Set<TestListener>()
  readonly #header: Pick<SpeedTest, 'id' | 'url' | 'createdAt'>

  /** Applied to a row as it ends (e.g. its budget verdict), before anyone hears of it. */
  readonly #onEnd: ((row: RegionResult) => RegionResult) | undefined

  constructor(
    header: Pick<SpeedTest, 'id' | 'url' | 'createdAt'>,
    targets: RowTarget[],
    options: { onEnd?: (row: RegionResult) => RegionResult } = {},
  ) {
    this.#header = header
    this.#onEnd = options.onEnd
    for (const { node, region } of targets) this.#rows.set(node, deepFreeze(startingRow(node, region)))
    this.#unfinished = this.#rows.size
  }

  get id(): string {
    return this.#header.id
  }

  /** Rows that have not ended: kept as a count, as `done` is asked on every update. */
  #unfinished = 0

  get done(): boolean {
    return this.#unfinished === 0
  }

  snapshot(): SpeedTest {
    return {
      ...this.#header,
      state: this.done ? 'done' : 'running',
      results: [...this.#rows.values()],
    }
  }

  /** Applies a change to a row; returns false when it was ignored (unknown row, or a step backwards). */
  update(node: string, change: Partial<RegionResult> & { status: RegionStatus }): boolean {
    const row = this.#rows.get(node)
    if (!row || isFinal(row) || movesBack(row, change)) return false
    const merged: RegionResult = { ...row, ...change, node: row.node, region: row.region }
    // Left out rather than deleted: a deleted property makes the row a slow dictionary object.
    const shaped =
      merged.status !== 'queued' && 'queuePosition' in merged ? withoutQueuePosition(merged) : merged
    // The budget (onEnd) is checked on every ended row, first numbers included, and again on the final ones.
    const next = deepFreeze(
      RANK[shaped.status] === RANK.complete && this.#onEnd ? this.#onEnd(shaped) : shaped,
    )
    this.#rows.set(node, next)
    // The row was not final (checked above): this update may end it.
    if (isFinal(next)) this.#unfinished--
    this.#emit({ type: 'region', result: next })
    if (this.#unfinished === 0) this.#emit({ type: 'done', test: this.snapshot() })
    return true
  }

  /** Ends every row still in flight with the given error (shutdown, cancellation). */
  failPending(error: { code: string; message: string }): void {
    for (const [node, row] of this.#rows) {
      if (!isFinal(row)) this.update(node, { status: 'error', error })
    }
  }

  /** Replays the current state to the listener, then streams changes. Returns an unsubscribe. */
  subscribe(listener: TestListener): () => void {
    for (const row of this.#rows.values()) listener({ type: 'region', result: row })
    if (this.done) {
      listener({ type: 'done', test: this.snapshot() })
      return () => {}
    }
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(event: TestEvent): void {
    for (const listener of this.#listeners) listener(event)
    if (event.type === 'done') this.#listeners.clear()
  }
}

/**
 * Freezes a row and everything in it. What a previous version already froze (the parts an
 * update carries over) is not walked again, so an update costs what it changed.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const inner of Object.values(value)) deepFreeze(inner)
  return value
}

function withoutQueuePosition(row: RegionResult): RegionResult {
  const { queuePosition: _position, ...rest } = row
  return rest
}

function startingRow(node: string, region: string): RegionResult {
  return {
    region,
    node,
    status: 'starting',
    httpStatus: null,
    finalUrl: null,
    metrics: emptyMetrics(),
    requests: null,
    transferBytes: null,
    cold: null,
    bootMs: null,
    error: null,
  }
}
