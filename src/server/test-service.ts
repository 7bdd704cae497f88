/**
 * What the HTTP server needs from the rest of a node, and nothing more: start a test,
 * read one, follow it live, list the regions that can measure, and show this node's
 * runner pools. The server is built from this interface, not from the cluster, the
 * pools or the store, so the same routes serve one laptop node, a node of a planet-wide
 * cluster, or an in-process service in a test that checks HTTP alone.
 *
 *   const service: TestService = nodeTestService(node)          // src/cli/serve.ts
 *   const app = await buildServer({ service, webRoot: 'web/dist' })
 *   const started = await service.start({ url: 'example.com' })  // what POST /api/tests does
 *   const stop = await service.subscribe(id, (event) => …)       // region…, then done
 *
 * Extend it when a route needs something new (history, compare): add a method here and
 * implement it where the node is assembled.
 */
import type { SpeedTest } from '../speedtest/model.ts'

export interface ServedFile {
  contentType: string
  data: Buffer
}

import type {
  CompareResult,
  HistoryQuery,
  HistoryResult,
  StartRequest,
  StartResult,
} from '../speedtest/speed-tests.ts'
import type { TestListener } from '../speedtest/test-run.ts'

export type {
  CompareResult,
  HistoryQuery,
  HistoryResult,
  StartRequest,
  StartResult,
} from '../speedtest/speed-tests.ts'
export type { TestEvent, TestListener } from '../speedtest/test-run.ts'

/** A live member of the cluster, with where its region is (GET /api/regions). */
export interface RegionEntry {
  region: string
  node: string
  machineId: string
  capacity: number
  httpUrl?: string
  city: string | undefined
  country: string | undefined
  lat: number | undefined
  lon: number | undefined
}

/**
 * A runner pool right now (GET /api/pools, the pool gauges of GET /metrics). The fields
 * named here are the ones the server reads; a pool may report more (flame's `PoolStats`
 * does: boots, failures, each runner), and GET /api/pools shows all of it.
 */
export interface PoolSnapshot {
  name: string
  /** Live runners: ready + draining. */
  runners: number
  ready: number
  draining: number
  booting: number
  busySlots: number
  /** Callers waiting for a free slot. */
  waiting: number
}

export interface TestService {
  /** Validates the request (URL policy, regions, runs) and, when it passes, starts the test. */
  start(request: StartRequest): Promise<StartResult>
  /** The test with every region's row as it is now, or null when unknown. */
  get(id: string): Promise<SpeedTest | null>
  /**
   * Streams a test's events, its current state first (every row, then `done` if it is
   * done). Resolves to an unsubscribe function, or null when the test is unknown.
   */
  subscribe(id: string, listener: TestListener): Promise<(() => void) | null>
  /** Stored tests newest first, by normalised URL or all: a page of summaries and the next cursor. */
  history(query: HistoryQuery): Promise<HistoryResult>
  /** Two tests side by side with per-region, per-metric differences. */
  compare(a: string, b: string): Promise<CompareResult>
  /** A file a row links to (filmstrip frames, screenshot), or null when there is none. */
  file(testId: string, node: string, name: string): Promise<ServedFile | null>
  /** Live members that can measure, self included. */
  regions(): RegionEntry[]
  /** This node's runner pools. */
  pools(): PoolSnapshot[]
  /** The node answering, for health checks. */
  self(): { node: string; region: string }
}
