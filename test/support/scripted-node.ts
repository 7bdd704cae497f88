/**
 * A node without a browser, for tests of HTTP alone: the real `SpeedTests` over a real
 * in-process cluster, whose `measure` method is answered by a script instead of a runner
 * pool. Everything above the measurement — URL policy, the test's state machine, the
 * store, the server — is the code that runs in production; only the page load is
 * replaced, by row updates the test chooses. `measured` records every measure request
 * that reached a region, so a test can prove that bad input never started one.
 *
 *   const node = await scriptedNode({ measure: async (_request, emit) => { emit({ status: 'loading' }); return done } })
 *   const app = await node.server()
 *   const answer = await app.inject({ method: 'POST', url: '/api/tests', payload: { url: 'http://127.0.0.1:1/' } })
 *   node.measured   // → [{ testId, url: 'http://127.0.0.1:1/', runs: 1 }]
 */
import type { FastifyInstance } from 'fastify'
import { nodeTestService } from '../../src/cli/node-service.ts'
import { createMemoryCluster, MemoryHub } from '../../src/cluster/memory.ts'
import { buildServer, type ServerOptions } from '../../src/server/app.ts'
import type { PoolSnapshot, TestService } from '../../src/server/test-service.ts'
import {
  MEASURE_METHOD,
  type MeasureRequest,
  parseMeasureRequest,
  type RegionUpdate,
} from '../../src/speedtest/protocol.ts'
import { SpeedTests } from '../../src/speedtest/speed-tests.ts'
import { TestStore } from '../../src/store/index.ts'

export type ScriptedMeasure = (
  request: MeasureRequest,
  emit: (update: RegionUpdate) => void,
) => Promise<RegionUpdate>

export interface ScriptedNode {
  service: TestService
  /** Every measure request a region received, in order. */
  measured: MeasureRequest[]
  server(options?: Partial<Omit<ServerOptions, 'service'>>): Promise<FastifyInstance>
  close(): Promise<void>
}

/** A complete row with the numbers a fixture would make true; `load` given by the caller. */
export function completeRow(load: number): RegionUpdate {
  return {
    status: 'complete',
    httpStatus: 200,
    finalUrl: null,
    metrics: { ttfb: 5, fcp: 20, lcp: 30, cls: 0, tbt: 0, domContentLoaded: load - 5, load },
    requests: 3,
    transferBytes: 4096,
    cold: false,
    bootMs: 0,
    error: null,
    updatedAt: Date.now(),
  }
}

export async function scriptedNode(
  options: { region?: string; measure?: ScriptedMeasure; pools?: () => PoolSnapshot[] } = {},
): Promise<ScriptedNode> {
  const region = options.region ?? 'local'
  const cluster = createMemoryCluster(new MemoryHub(), {
    node: `${region}-scripted`,
    region,
    machineId: 'test',
    capacity: 1,
  })
  const measured: MeasureRequest[] = []
  const measure: ScriptedMeasure = options.measure ?? (async () => completeRow(100))
  cluster.serve(MEASURE_METHOD, async (payload, emit) => {
    const request = parseMeasureRequest(payload)
    if (!request) throw new Error('malformed measure request')
    measured.push(request)
    return measure(request, emit)
  })
  const store = await TestStore.open({ location: { kind: 'memory' } })
  const speedTests = new SpeedTests({
    cluster,
    store,
    allowPrivate: true,
    deadlineMs: 10_000,
  })
  const service = nodeTestService({ speedTests, cluster, pools: options.pools ?? (() => []) })
  const apps: FastifyInstance[] = []
  return {
    service,
    measured,
    async server(serverOptions = {}) {
      const app = await buildServer({ webRoot: '/nonexistent', ...serverOptions, service })
      apps.push(app)
      return app
    },
    async close() {
      for (const app of apps) await app.close()
      await speedTests.close()
      await cluster.close()
      await store.close()
    },
  }
}
