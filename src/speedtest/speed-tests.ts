/**
 * Starting a test and following it, on the node the user talks to. A test is one URL
 * measured by every chosen member of the cluster at once: the URL passes the policy,
 * a `TestRun` is opened with a row per member, and a `measure` call fans out to each
 * member, whose status messages stream straight back into that row.
 *
 *   const tests = new SpeedTests({ cluster, store, allowPrivate: false, deadlineMs: 180_000 })
 *   const started = await tests.start({ url: 'example.com' })
 *   if (started.ok) tests.subscribe(started.test.id, (event) => …)   // region…, done
 *
 * The same code serves one node (in-process cluster) and a planet (NATS): the rows are
 * keyed by node and labelled by region, and a member that vanishes mid-test ends its row
 * with `node_lost` while the others complete, so a test always reaches `done`.
 */
import { randomBytes } from 'node:crypto'
import { type Cluster, ClusterError, type Member } from '../cluster/types.ts'
import type { AllowTarget } from '../net/allow-targets.ts'
import type { SpeedTest } from './model.ts'
import { MAX_RUNS, MEASURE_METHOD, type MeasureRequest, parseRegionUpdate } from './protocol.ts'
import type { TestStore } from './store.ts'
import { type TestListener, TestRun } from './test-run.ts'
import { checkTarget, normalizeUrl } from './url-policy.ts'

export interface StartRequest {
  url: unknown
  regions?: unknown
  /** Page loads per region (1–5); each row reports its median run. Default 1. */
  runs?: unknown
}

export type StartError =
  | { code: 'invalid_url' | 'blocked_address'; message: string }
  | { code: 'unknown_region'; message: string }
  | { code: 'bad_request'; message: string }

export type StartResult = { ok: true; test: SpeedTest } | { ok: false; error: StartError }

export interface SpeedTestsOptions {
  cluster: Cluster
  store: TestStore
  allowPrivate: boolean
  /** WPS_ALLOW_TARGETS, parsed (src/net/allow-targets.ts). */
  allowTargets?: readonly AllowTarget[]
  /** Hard limit on one region's measurement, queueing and booting included. */
  deadlineMs: number
  /** How long a finished run stays in memory for live subscribers before the store answers alone. */
  retainMs?: number
}

export class SpeedTests {
  readonly #options: SpeedTestsOptions
  readonly #live = new Map<string, TestRun>()

  constructor(options: SpeedTestsOptions) {
    this.#options = options
  }

  async start(request: StartRequest): Promise<StartResult> {
    const normalized = normalizeUrl(request.url)
    if (!normalized.ok) return { ok: false, error: normalized.error }
    const runs = request.runs ?? 1
    if (!Number.isInteger(runs) || (runs as number) < 1 || (runs as number) > MAX_RUNS) {
      return {
        ok: false,
        error: { code: 'bad_request', message: `"runs" must be a whole number from 1 to ${MAX_RUNS}.` },
      }
    }
    const members = this.#chooseMembers(request.regions)
    if (!Array.isArray(members)) return { ok: false, error: members }
    const blocked = await checkTarget(normalized.url, {
      allowPrivate: this.#options.allowPrivate,
      ...(this.#options.allowTargets ? { allowTargets: this.#options.allowTargets } : {}),
    })
    if (blocked) return { ok: false, error: blocked }

    const header = { id: newTestId(), url: normalized.url.href, createdAt: new Date().toISOString() }
    const run = new TestRun(header, members)
    this.#live.set(run.id, run)
    await this.#options.store.save(run.snapshot())
    run.subscribe((event) => {
      if (event.type === 'done') void this.#finish(run)
    })
    const measure: MeasureRequest = { testId: run.id, url: header.url, runs: runs as number }
    for (const member of members) this.#measureOn(run, member, measure)
    return { ok: true, test: run.snapshot() }
  }

  async get(id: string): Promise<SpeedTest | null> {
    return this.#live.get(id)?.snapshot() ?? (await this.#options.store.get(id))
  }

  /** Streams a test's events, current state first. Resolves to null when the test is unknown. */
  async subscribe(id: string, listener: TestListener): Promise<(() => void) | null> {
    const live = this.#live.get(id)
    if (live) return live.subscribe(listener)
    const stored = await this.#options.store.get(id)
    if (!stored) return null
    for (const result of stored.results) listener({ type: 'region', result })
    if (stored.state === 'done') listener({ type: 'done', test: stored })
    return () => {}
  }

  /** Ends every running test (node shutdown), so no subscriber waits forever. */
  async close(): Promise<void> {
    for (const run of this.#live.values()) {
      run.failPending({ code: 'node_shutdown', message: 'The server stopped before this region finished.' })
    }
  }

  #chooseMembers(regions: unknown): Member[] | StartError {
    const members = this.#options.cluster.members()
    if (regions === undefined || regions === null) return members
    const known = [...new Set(members.map((m) => m.region))].sort()
    if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string')) {
      return {
        code: 'unknown_region',
        message: `"regions" must be a non-empty list of region codes (${known.join(', ')}).`,
      }
    }
    const missing = regions.filter((r) => !known.includes(r))
    if (missing.length > 0) {
      return {
        code: 'unknown_region',
        message: `No node is running in ${missing.join(', ')}. Available: ${known.join(', ') || 'none'}.`,
      }
    }
    return members.filter((m) => regions.includes(m.region))
  }

  #measureOn(run: TestRun, member: Member, request: MeasureRequest): void {
    this.#options.cluster
      .call(member.node, MEASURE_METHOD, request, {
        timeout: this.#options.deadlineMs,
        onMessage: (message) => {
          const update = parseRegionUpdate(message)
          if (update) run.update(member.node, update)
        },
      })
      .then((final) => {
        const update = parseRegionUpdate(final)
        run.update(
          member.node,
          update ?? { status: 'error', error: { code: 'internal', message: 'The region sent no result.' } },
        )
      })
      .catch((error: unknown) =>
        // The measuring node is gone, so this node dates the row: not the stale `loading` time.
        run.update(member.node, { status: 'error', error: describeCallError(error), updatedAt: Date.now() }),
      )
  }

  async #finish(run: TestRun): Promise<void> {
    await this.#options.store.save(run.snapshot())
    setTimeout(() => this.#live.delete(run.id), this.#options.retainMs ?? 60_000).unref()
  }
}

function describeCallError(error: unknown): { code: string; message: string } {
  if (error instanceof ClusterError) {
    switch (error.code) {
      case 'node_lost':
        return {
          code: 'node_lost',
          message: 'The node measuring from this region left the cluster mid-test.',
        }
      case 'timeout':
        return { code: 'timeout', message: 'This region did not finish in time.' }
      default:
        return { code: error.code, message: error.message }
    }
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}

const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789'

/** Short, unguessable, URL-safe ids for permalinks. */
function newTestId(): string {
  return [...randomBytes(12)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')
}
