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
import {
  type Cluster,
  type ClusterError,
  type Member,
  type MulticallResult,
  multicall,
} from '../cluster/index.ts'
import type { AllowTarget } from '../net/allow-targets.ts'
import { decodeCursor, type StoredFile, type TestStore } from '../store/index.ts'
import { evaluateBudget } from './budget.ts'
import { type Comparison, compareTests } from './compare.ts'
import type { RequestShape } from './deadlines.ts'
import { serveFollow } from './follow.ts'
import { endAbandoned, followOwner, type OwnerContext, ownerServes, replay } from './follow-owner.ts'
import type { SpeedTest } from './model.ts'
import {
  MAX_RUNS,
  MEASURE_METHOD,
  type MeasureRequest,
  parseRegionUpdate,
  type RegionUpdate,
} from './protocol.ts'
import { summarize, type TestSummary, toRowInput, toSpeedTest } from './records.ts'
import { RowFiles } from './row-files.ts'
import { StartLimits, type StartLimitsOptions } from './start-limits.ts'
import {
  chooseMembers,
  newTestId,
  parseStartRequest,
  rateLimited,
  type StartRequest,
  type StartResult,
} from './start-request.ts'
import { type TestListener, TestRun } from './test-run.ts'
import { checkTarget, normalizeUrl, type PolicyError } from './url-policy.ts'

export type { StartError, StartRequest, StartResult } from './start-request.ts'

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
  /**
   * Hard limit on one region's work for a test, queueing and booting included: one
   * figure for every test, or per request (the node passes deadlines.ts's
   * `regionDeadlineMs` with its own limits, so more runs, a repeat view or Lighthouse
   * get the time they need).
   */
  deadlineMs: number | ((request: RequestShape) => number)
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

export class SpeedTests {
  readonly #options: SpeedTestsOptions
  readonly #live = new Map<string, TestRun>()
  /** Per test, the chain of its store writes (applied in call order by the store). */
  readonly #writes = new Map<string, Promise<void>>()
  readonly #limits: StartLimits | null
  readonly #files: RowFiles
  /** What following a test's owner, or ending an abandoned test, needs (follow-owner.ts). */
  readonly #owners: OwnerContext

  constructor(options: SpeedTestsOptions) {
    this.#options = options
    this.#limits = options.startLimits ? new StartLimits(options.cluster, options.startLimits) : null
    this.#files = new RowFiles(options.store, {
      write: (testId, work) => this.#write(testId, work),
      report: (error) => this.#report(error),
    })
    this.#owners = {
      cluster: options.cluster,
      store: options.store,
      // a follower does not know the request: the longest any test may take
      deadlineMs: this.#deadlineFor({ runs: MAX_RUNS, repeatView: true, lighthouse: true }),
      report: (error) => this.#report(error),
    }
    serveFollow(options.cluster, { live: (id) => this.#live.get(id), flushed: (id) => this.#flushed(id) })
  }

  async start(request: StartRequest): Promise<StartResult> {
    const parsed = parseStartRequest(request)
    if (!parsed.ok) return parsed
    const { url, runs, budget, device, connectivity, repeatView, lighthouse } = parsed.start
    const members = chooseMembers(this.#options.cluster.members(), request.regions)
    if (!Array.isArray(members)) return { ok: false, error: members }
    const blocked = await checkTarget(url, {
      allowPrivate: this.#options.allowPrivate,
      ...(this.#options.allowTargets ? { allowTargets: this.#options.allowTargets } : {}),
    })
    if (blocked) return { ok: false, error: blocked }
    // Counted last, so a request refused for any other reason uses up no place.
    const limited = await this.#limits?.take(url.hostname)
    if (limited && !limited.ok) return { ok: false, error: rateLimited(limited, url.hostname) }

    const header = { id: newTestId(), url: url.href, createdAt: new Date().toISOString() }
    const run = new TestRun(
      header,
      members,
      budget ? { onEnd: (row) => ({ ...row, budget: evaluateBudget(budget, row) }) } : {},
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
      runs,
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
    if (test.state === 'running' && !ownerServes(this.#options.cluster, stored.owner))
      return endAbandoned(this.#options.store, test)
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
    if (test.state === 'running' && ownerServes(this.#options.cluster, stored.owner)) {
      return followOwner(this.#owners, stored.owner, test, listener)
    }
    replay(test.state === 'running' ? await endAbandoned(this.#options.store, test) : test, listener)
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

  /** One `measure` multicall; each member's row ends the moment that member answers. */
  #fanOut(run: TestRun, members: Member[], request: MeasureRequest): void {
    void multicall(
      this.#options.cluster,
      members.map((member) => member.node),
      MEASURE_METHOD,
      request,
      {
        timeout: this.#deadlineFor(request),
        onMessage: (node, message) => {
          const update = parseRegionUpdate(message)
          if (update) run.update(node, this.#files.keep(run.id, node, update))
        },
        onSettled: (result) => {
          const update = result.status === 'fulfilled' ? parseRegionUpdate(result.value) : null
          if (update?.reports && update.reports.length > 0)
            this.#files.settleWithReports(run, result.node, update, update.reports)
          else settleRow(run, result, (node, update) => this.#files.keep(run.id, node, update))
        },
      },
    )
  }

  #deadlineFor(request: RequestShape): number {
    const { deadlineMs } = this.#options
    return typeof deadlineMs === 'number' ? deadlineMs : deadlineMs(request)
  }

  /** A file a row links to (`artifacts`), or null. */
  file(testId: string, node: string, name: string): Promise<StoredFile | null> {
    return this.#files.get(testId, node, name)
  }

  #write(testId: string, work: (store: TestStore) => Promise<void>): void {
    const previous = this.#writes.get(testId) ?? Promise.resolve()
    // Handed to the store at once: it applies writes in call order, and batches those that
    // come together into one commit (write-queue.ts), which waiting here would prevent.
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

  #report(error: unknown): void {
    ;(this.#options.onError ?? ((e: unknown) => console.error('speed tests:', e)))(error)
  }
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
