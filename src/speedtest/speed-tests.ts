/**
 * Starting a test and following it, on any node. A test is one URL measured by every
 * chosen member of the cluster at once: the URL passes the policy, a `TestRun` is opened
 * with a row per member and written to the store, and a multicall of `measure` fans out
 * to the members, whose status messages stream straight back into their rows. Every row
 * version is written to the store as it happens.
 *
 *   const tests = new SpeedTests({ cluster, store, allowPrivate: false, deadlineMs: 180_000 })
 *   const started = await tests.start({ url: 'example.com' })
 *   if (started.ok) tests.subscribe(started.test.id, (event) => …)   // region…, done
 *   await tests.history({ url: 'example.com', limit: 20 })          // newest first
 *
 * Any node serves any test: the node that started it (its owner) holds it live; another
 * node reads it from the shared store and, while it runs, follows the owner through the
 * cluster (follow.ts). A test whose owner is gone — a node that died mid-test, or this
 * node before a restart — has its unfinished rows ended as `node_lost`, so it is done.
 * The same code serves one node (in-process cluster, SQLite) and a planet (NATS, PostgreSQL).
 */
import { randomBytes } from 'node:crypto'
import {
  type Cluster,
  type ClusterError,
  type Member,
  type MulticallResult,
  multicall,
} from '../cluster/index.ts'
import type { AllowTarget } from '../net/allow-targets.ts'
import { decodeCursor, type StoredFile, type TestStore } from '../store/index.ts'
import { evaluateBudget, parseBudget } from './budget.ts'
import { type Comparison, compareTests } from './compare.ts'
import { followRemote, serveFollow } from './follow.ts'
import { gatheredFile } from './gathered-artifact.ts'
import { lighthouseFiles } from './lighthouse-files.ts'
import type { RegionResult, SpeedTest } from './model.ts'
import {
  MAX_RUNS,
  MEASURE_METHOD,
  type MeasureRequest,
  parseRegionUpdate,
  type RegionUpdate,
  type RowReport,
} from './protocol.ts'
import { fromStoredRow, summarize, type TestSummary, toRowInput, toSpeedTest } from './records.ts'
import { type LimitVerdict, StartLimits, type StartLimitsOptions } from './start-limits.ts'
import { isFinal, type TestListener, TestRun } from './test-run.ts'
import { parseTestSettings } from './test-settings.ts'
import { checkTarget, normalizeUrl, type PolicyError } from './url-policy.ts'

export interface StartRequest {
  url: unknown
  regions?: unknown
  /** Page loads per region (1–5); each row reports its median run. Default 1. */
  runs?: unknown
  /** Maxima every region's row is checked against (budget.ts); each row then carries its verdict. */
  budget?: unknown
  /** `desktop` (default) or `mobile` (devices.ts). */
  device?: unknown
  /** `native` (default), `cable`, `4g`, `3g` or `3g-slow` (connectivity.ts). */
  connectivity?: unknown
  /** `true`: each region also loads the page a second time, warm cache (the row's `repeatView`). */
  repeatView?: unknown
  /** Also run a Lighthouse performance audit in every region (lighthouse-step.ts). Default false. */
  lighthouse?: unknown
}

export type StartError =
  | { code: 'invalid_url' | 'blocked_address'; message: string }
  | { code: 'unknown_region'; message: string }
  | { code: 'bad_request'; message: string }
  /** Too many tests for this target host, or in all, this minute (start-limits.ts). */
  | { code: 'rate_limited'; message: string; retryAfterSeconds: number }

export type StartResult = { ok: true; test: SpeedTest } | { ok: false; error: StartError }

export interface HistoryQuery {
  url?: unknown
  limit?: unknown
  before?: unknown
}

export type HistoryResult =
  | { ok: true; page: { tests: TestSummary[]; next: string | null } }
  | { ok: false; error: { code: PolicyError['code'] | 'bad_request'; message: string } }

export type CompareResult =
  | { ok: true; comparison: Comparison }
  | { ok: false; error: { code: 'not_found'; message: string } }

export const HISTORY_MAX_LIMIT = 100
export const HISTORY_DEFAULT_LIMIT = 20

export interface SpeedTestsOptions {
  cluster: Cluster
  store: TestStore
  allowPrivate: boolean
  /** WPS_ALLOW_TARGETS, parsed (src/net/allow-targets.ts). */
  allowTargets?: readonly AllowTarget[]
  /** Cluster-wide starts per target host and in all, per minute (start-limits.ts); unset = none. */
  startLimits?: Omit<StartLimitsOptions, 'now'>
  /** Hard limit on one region's measurement, queueing and booting included. */
  deadlineMs: number
  /**
   * How long a finished run stays in memory for live subscribers before the store answers
   * alone (default 2 s; its rows, network logs included, are held meanwhile).
   */
  retainMs?: number
  onError?: (error: unknown) => void
}

/**
 * A finished test is in the store before its `done` is heard, so memory needs it only for
 * the subscribers of that moment: keeping it a minute held a minute of tests' rows, and
 * 10 s at the control plane's 300 tests/s (bench/control-plane.ts) held 3 000 tests' rows
 * with their network logs, a few hundred MB. Whoever comes later reads the same test
 * from the store.
 */
const RETAIN_MS = 2_000

const OWNER_GONE = {
  code: 'node_lost',
  message: 'The node running this test stopped before this region finished.',
}

export class SpeedTests {
  readonly #options: SpeedTestsOptions
  readonly #live = new Map<string, TestRun>()
  /** Per test, the chain of its store writes (applied in call order by the store). */
  readonly #writes = new Map<string, Promise<void>>()
  readonly #limits: StartLimits | null

  constructor(options: SpeedTestsOptions) {
    this.#options = options
    this.#limits = options.startLimits ? new StartLimits(options.cluster, options.startLimits) : null
    serveFollow(options.cluster, { live: (id) => this.#live.get(id), flushed: (id) => this.#flushed(id) })
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
    const budget = request.budget === undefined ? undefined : parseBudget(request.budget)
    if (budget && !budget.ok)
      return { ok: false, error: { code: 'bad_request', message: `budget: ${budget.message}` } }
    const settings = parseTestSettings(request)
    if (!settings.ok) {
      const message = `"${settings.field}" must be one of ${settings.allowed.join(', ')}.`
      return { ok: false, error: { code: 'bad_request', message } }
    }
    const { device, connectivity } = settings.settings
    const repeatView = request.repeatView ?? false
    if (typeof repeatView !== 'boolean') {
      return { ok: false, error: { code: 'bad_request', message: '"repeatView" must be true or false.' } }
    }
    const lighthouse = request.lighthouse ?? false
    if (typeof lighthouse !== 'boolean') {
      return { ok: false, error: { code: 'bad_request', message: '"lighthouse" must be true or false.' } }
    }
    const members = this.#chooseMembers(request.regions)
    if (!Array.isArray(members)) return { ok: false, error: members }
    const blocked = await checkTarget(normalized.url, {
      allowPrivate: this.#options.allowPrivate,
      ...(this.#options.allowTargets ? { allowTargets: this.#options.allowTargets } : {}),
    })
    if (blocked) return { ok: false, error: blocked }
    // Counted last, so a request refused for any other reason uses up no place.
    const limited = await this.#limits?.take(normalized.url.hostname)
    if (limited && !limited.ok) return { ok: false, error: rateLimited(limited, normalized.url.hostname) }

    const header = { id: newTestId(), url: normalized.url.href, createdAt: new Date().toISOString() }
    const run = new TestRun(
      header,
      members,
      budget ? { onEnd: (row) => ({ ...row, budget: evaluateBudget(budget.budget, row) }) } : {},
    )
    const snapshot = run.snapshot()
    // In the store before anyone hears of it, so every node can answer for it at once.
    await this.#options.store.createTest(
      { ...header, state: snapshot.state, owner: this.#options.cluster.self.node },
      snapshot.results.map((row, position) => toRowInput(row, position)),
    )
    this.#live.set(run.id, run)
    const positions = new Map(members.map((member, position) => [member.node, position]))
    let replaying = true
    run.subscribe((event) => {
      if (replaying) return // the rows as created: already written
      if (event.type === 'region') {
        const position = positions.get(event.result.node) ?? 0
        this.#write(run.id, (store) =>
          store.saveRow(run.id, toRowInput(event.result, position), run.done ? 'done' : 'running'),
        )
      } else this.#finish(run)
    })
    replaying = false
    this.#fanOut(run, members, {
      testId: run.id,
      url: header.url,
      runs: runs as number,
      device,
      connectivity,
      ...(repeatView ? { repeatView } : {}),
      ...(lighthouse ? { lighthouse } : {}),
    })
    return { ok: true, test: snapshot }
  }

  async get(id: string): Promise<SpeedTest | null> {
    const live = this.#live.get(id)
    if (live) return live.snapshot()
    const stored = await this.#options.store.getTest(id)
    if (!stored) return null
    const test = toSpeedTest(stored)
    if (test.state === 'running' && !this.#ownerServes(stored.owner)) return this.#endAbandoned(test)
    return test
  }

  /**
   * Streams a test's events, current state first. Resolves to null when the test is unknown.
   * `done` comes once the test's last row is in the store, so whoever hears it can read the
   * finished test from any node.
   */
  async subscribe(id: string, listener: TestListener): Promise<(() => void) | null> {
    const live = this.#live.get(id)
    if (live) {
      let active = true
      const stop = live.subscribe((event) => {
        if (event.type !== 'done') return listener(event)
        void this.#flushed(id).then(() => {
          if (active) listener(event)
        })
      })
      return () => {
        active = false
        stop()
      }
    }
    const stored = await this.#options.store.getTest(id)
    if (!stored) return null
    const test = toSpeedTest(stored)
    if (test.state === 'running' && this.#ownerServes(stored.owner)) {
      return this.#followOwner(stored.owner, test, listener)
    }
    replay(test.state === 'running' ? await this.#endAbandoned(test) : test, listener)
    return () => {}
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    let url: string | undefined
    if (query.url !== undefined && query.url !== '') {
      const normalized = normalizeUrl(query.url)
      if (!normalized.ok) return { ok: false, error: normalized.error }
      url = normalized.url.href
    }
    const limit = query.limit === undefined ? HISTORY_DEFAULT_LIMIT : Number(query.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT) {
      return {
        ok: false,
        error: {
          code: 'bad_request',
          message: `"limit" must be a whole number from 1 to ${HISTORY_MAX_LIMIT}.`,
        },
      }
    }
    const before = query.before === undefined ? undefined : decodeCursor(String(query.before))
    if (before === null) {
      return {
        ok: false,
        error: { code: 'bad_request', message: '"before" is not a cursor from a previous page ("next").' },
      }
    }
    const page = await this.#options.store.listTests({
      limit,
      ...(url === undefined ? {} : { url }),
      ...(before ? { before } : {}),
    })
    return {
      ok: true,
      page: {
        tests: page.tests.map((stored) => {
          // A test still running here is reported as it is now, not as last written.
          const live = this.#live.get(stored.id)
          return summarize(live ? live.snapshot() : toSpeedTest(stored))
        }),
        next: page.next,
      },
    }
  }

  async compare(a: string, b: string): Promise<CompareResult> {
    const [left, right] = await Promise.all([this.get(a), this.get(b)])
    const missing = [left ? null : a, right ? null : b].filter((id) => id !== null)
    if (!left || !right) {
      return { ok: false, error: { code: 'not_found', message: `No test with id ${missing.join(' or ')}.` } }
    }
    return { ok: true, comparison: compareTests(left, right) }
  }

  /** Ends every running test (node shutdown), so no subscriber waits forever; then waits for its writes. */
  async close(): Promise<void> {
    for (const run of this.#live.values()) {
      run.failPending({ code: 'node_shutdown', message: 'The server stopped before this region finished.' })
    }
    await Promise.all(this.#writes.values())
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

  /** One `measure` multicall; each member's row ends the moment that member answers. */
  #fanOut(run: TestRun, members: Member[], request: MeasureRequest): void {
    void multicall(
      this.#options.cluster,
      members.map((member) => member.node),
      MEASURE_METHOD,
      request,
      {
        timeout: this.#options.deadlineMs,
        onMessage: (node, message) => {
          const update = parseRegionUpdate(message)
          if (update) run.update(node, this.#keepFiles(run.id, node, update))
        },
        onSettled: (result) => {
          const update = result.status === 'fulfilled' ? parseRegionUpdate(result.value) : null
          if (update?.reports && update.reports.length > 0)
            this.#settleWithReports(run, result.node, update, update.reports)
          else settleRow(run, result, (node, update) => this.#keepFiles(run.id, node, update))
        },
      },
    )
  }

  /**
   * A row's images and gathered data go to the store, ahead of the row that links to
   * them (writes are in order), and never into the row itself; its Lighthouse report
   * has gone there already (#settleWithReports).
   */
  #keepFiles(testId: string, node: string, update: RegionUpdate): RegionUpdate {
    const { images, gathered, reports: _reports, ...row } = update
    const files: StoredFile[] = (images ?? []).map((image) => ({
      name: image.name,
      contentType: 'image/jpeg',
      data: Buffer.from(image.jpeg, 'base64'),
    }))
    if (gathered) files.push(gatheredFile(gathered))
    if (files.length > 0) this.#write(testId, (store) => store.saveFiles(testId, node, files))
    return row
  }

  /** A file a row links to (`artifacts`), or null. */
  async file(testId: string, node: string, name: string): Promise<StoredFile | null> {
    return this.#options.store.getFile(testId, node, name)
  }

  /**
   * A final row with a Lighthouse report: the report's HTML is rendered (a few hundred ms)
   * and handed to the store before the row that links to it is applied, so no one hears
   * of a link whose file is not there yet. A report that cannot be rendered costs the row
   * its report links, never its numbers.
   */
  #settleWithReports(run: TestRun, node: string, update: RegionUpdate, reports: readonly RowReport[]): void {
    this.#write(run.id, async (store) => {
      let row: RegionUpdate = update
      try {
        const files = await lighthouseFiles(reports)
        if (files.length > 0) await store.saveFiles(run.id, node, files)
        else row = withoutReportLinks(update)
      } catch (error) {
        this.#report(error)
        row = withoutReportLinks(update)
      } finally {
        run.update(node, this.#keepFiles(run.id, node, row))
      }
    })
  }

  #write(testId: string, work: (store: TestStore) => Promise<void>): void {
    const previous = this.#writes.get(testId) ?? Promise.resolve()
    // Handed to the store at once: it applies writes in call order, and batches those that
    // come together into one commit (test-store.ts), which waiting here would prevent.
    const written = work(this.#options.store).catch((error: unknown) => this.#report(error))
    this.#writes.set(
      testId,
      previous.then(() => written),
    )
  }

  /** Resolves once every write of this test queued so far is in the store (never rejects). */
  #flushed(testId: string): Promise<void> {
    return this.#writes.get(testId) ?? Promise.resolve()
  }

  #finish(run: TestRun): void {
    setTimeout(() => {
      this.#live.delete(run.id)
      const writes = this.#writes.get(run.id)
      void writes?.then(() => {
        if (this.#writes.get(run.id) === writes) this.#writes.delete(run.id)
      })
    }, this.#options.retainMs ?? RETAIN_MS).unref()
  }

  /** Whether the test's owner is another live member, which can stream it to us. */
  #ownerServes(owner: string): boolean {
    const { cluster } = this.#options
    return owner !== cluster.self.node && cluster.members().some((member) => member.node === owner)
  }

  /** A running test nobody runs any more: its unfinished rows end as `node_lost`, in the store too. */
  async #endAbandoned(test: SpeedTest): Promise<SpeedTest> {
    const results = test.results.map(
      (row): RegionResult =>
        isFinal(row) ? row : { ...row, status: 'error', error: OWNER_GONE, updatedAt: Date.now() },
    )
    const ended: SpeedTest = { ...test, state: 'done', results }
    const unfinished = results.flatMap((_row, position) =>
      isFinal(test.results[position] ?? { status: 'error' }) ? [] : [position],
    )
    // Every row already final (its last write made it, the state's did not): write the state anyway.
    for (const position of unfinished.length > 0 ? unfinished : [0]) {
      const row = results[position]
      if (row) await this.#options.store.saveRow(test.id, toRowInput(row, position), 'done')
    }
    return ended
  }

  #followOwner(owner: string, test: SpeedTest, listener: TestListener): () => void {
    const { store } = this.#options
    return followRemote(
      this.#options.cluster,
      owner,
      test.id,
      {
        onRow: (result) => listener({ type: 'region', result }),
        onStoredRow: async (node) => {
          const row = await store.getRow(test.id, node)
          if (row) listener({ type: 'region', result: fromStoredRow(row) })
        },
        onEnd: async (outcome) => {
          const stored = await store.getTest(test.id)
          if (!stored) return
          let now = toSpeedTest(stored)
          // The owner vanished mid-test: nobody will finish its rows.
          if (outcome === 'lost' && now.state === 'running') now = await this.#endAbandoned(now)
          if (outcome === 'done') {
            if (now.state === 'done') listener({ type: 'done', test: now })
          } else replay(now, listener)
        },
      },
      { timeoutMs: this.#options.deadlineMs + 60_000, onError: (error) => this.#report(error) },
    )
  }

  #report(error: unknown): void {
    ;(this.#options.onError ?? ((e: unknown) => console.error('speed tests:', e)))(error)
  }
}

/** What a late subscriber gets of a test that is not live here: every row, then `done` if done. */
function replay(test: SpeedTest, listener: TestListener): void {
  for (const result of test.results) listener({ type: 'region', result })
  if (test.state === 'done') listener({ type: 'done', test })
}

function withoutReportLinks(update: RegionUpdate): RegionUpdate {
  if (!update.artifacts?.lighthouse) return update
  const { lighthouse: _links, ...artifacts } = update.artifacts
  return { ...update, artifacts }
}

function settleRow(
  run: TestRun,
  result: MulticallResult,
  keepFiles: (node: string, update: RegionUpdate) => RegionUpdate,
): void {
  if (result.status === 'fulfilled') {
    const update = parseRegionUpdate(result.value)
    run.update(
      result.node,
      update
        ? keepFiles(result.node, update)
        : { status: 'error', error: { code: 'internal', message: 'The region sent no result.' } },
    )
  } else {
    // The measuring node is gone, so this node dates the row: not the stale `loading` time.
    run.update(result.node, {
      status: 'error',
      error: describeCallError(result.reason),
      updatedAt: Date.now(),
    })
  }
}

function describeCallError(error: ClusterError): { code: string; message: string } {
  switch (error.code) {
    case 'node_lost':
      return { code: 'node_lost', message: 'The node measuring from this region left the cluster mid-test.' }
    case 'timeout':
      return { code: 'timeout', message: 'This region did not finish in time.' }
    default:
      return { code: error.code, message: error.message }
  }
}

function rateLimited(verdict: LimitVerdict & { ok: false }, host: string): StartError {
  const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000)
  const why =
    verdict.scope === 'host'
      ? `Too many tests of ${host} this minute, from all clients together`
      : 'Too many tests this minute on this deploy'
  return { code: 'rate_limited', message: `${why}; try again in ${retryAfterSeconds} s.`, retryAfterSeconds }
}

const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789'

/** Short, unguessable, URL-safe ids for permalinks. */
function newTestId(): string {
  return [...randomBytes(12)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')
}
