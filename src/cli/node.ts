/**
 * A node, assembled: the cluster membership, this node's browser pool, the service that
 * answers `measure` for this region, and the test orchestration — everything but HTTP.
 * `wps serve` puts a server in front of it; `wps run` uses it directly.
 *
 *   const node = await startNode(readConfig(process.env))
 *   const started = await node.speedTests.start({ url: 'example.com' })
 *   await node.stop()     // ends tests, runners and their browsers, then leaves the cluster
 */
import { fileURLToPath } from 'node:url'
import { createMemoryCluster, MemoryHub } from '../cluster/memory.ts'
import { connectNatsCluster } from '../cluster/nats.ts'
import type { Cluster } from '../cluster/types.ts'
import { type Backend, LocalBackend, Pool, ProcessBackend } from '../flame/index.ts'
import { startLatencyProxy } from '../latency/proxy.ts'
import { createEgressGuard } from '../net/egress-guard.ts'
import { NodeMetrics } from '../server/metrics.ts'
import { serveMeasurements } from '../speedtest/region-service.ts'
import { SpeedTests } from '../speedtest/speed-tests.ts'
import { MemoryTestStore } from '../speedtest/store.ts'
import type { NodeConfig, PoolConfig } from './config.ts'

export interface Node {
  config: NodeConfig
  cluster: Cluster
  pool: Pool
  speedTests: SpeedTests
  /** Fed by this node's measurements; GET /metrics shows them. */
  metrics: NodeMetrics
  stop(): Promise<void>
}

const WPS_BIN = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))

export function createPoolBackend(config: PoolConfig): Backend {
  if (config.backend === 'local') return new LocalBackend()
  // A runner is this same app started as `wps runner`: it imports the same tasks.
  return new ProcessBackend({ command: process.execPath, args: [WPS_BIN, 'runner'] })
}

export interface StartNodeOptions {
  httpUrl?: string
  /** The pool's own log lines (grow, shrink, boot failures): `false` silences them (`wps run` without --verbose). */
  poolLog?: false
}

export async function startNode(config: NodeConfig, options: StartNodeOptions = {}): Promise<Node> {
  const nodeId = `${config.region}-${config.machineId}-${process.pid}`
  const pool = new Pool({
    name: 'browser',
    backend: createPoolBackend(config.pool),
    min: config.pool.min,
    max: config.pool.max,
    maxConcurrency: config.pool.maxConcurrency,
    idleShutdownAfter: config.pool.idleShutdownMs,
    ...(options.poolLog === false ? { log: false as const } : {}),
  })
  const member = {
    node: nodeId,
    region: config.region,
    machineId: config.machineId,
    capacity: config.pool.max * config.pool.maxConcurrency,
    ...(options.httpUrl ? { httpUrl: options.httpUrl } : {}),
  }
  const cluster = config.natsUrl
    ? await connectNatsCluster({ servers: config.natsUrl, member })
    : createMemoryCluster(new MemoryHub(), member)
  const proxy = await startEgressProxy(config)
  const metrics = new NodeMetrics()
  serveMeasurements(cluster, {
    pool,
    observer: metrics,
    navTimeoutMs: config.navTimeoutMs,
    queueTimeoutMs: config.queueTimeoutMs,
    machineSlots: config.machineBudget,
    proxyServer: proxy.url,
  })
  const speedTests = new SpeedTests({
    cluster,
    store: new MemoryTestStore(),
    allowPrivate: config.allowPrivate,
    allowTargets: config.allowTargets,
    deadlineMs: config.queueTimeoutMs + config.navTimeoutMs + 30_000,
  })
  let stopping: Promise<void> | null = null
  return {
    config,
    cluster,
    pool,
    speedTests,
    metrics,
    stop: () => {
      stopping ??= (async () => {
        await speedTests.close()
        await pool.shutdown()
        await cluster.close()
        await proxy.close()
      })()
      return stopping
    },
  }
}

/**
 * The browsers' way out: one proxy on 127.0.0.1 that every connection of every page
 * crosses. Unless private targets are allowed it refuses any upstream whose resolved
 * address is not public (or is this machine's own), but for those WPS_ALLOW_TARGETS
 * names — redirects and subresources included, which the URL policy (the typed URL
 * only) cannot see. It also emulates `WPS_LATENCY_MS` (0: no delay).
 * There is always one, also with private targets allowed: the proxy does the DNS
 * lookups of the page's names, so its browsers never resolve anything themselves.
 */
export async function startEgressProxy(
  config: Pick<NodeConfig, 'allowPrivate' | 'latencyMs'> & Partial<Pick<NodeConfig, 'allowTargets'>>,
): Promise<Awaited<ReturnType<typeof startLatencyProxy>>> {
  return startLatencyProxy({
    rttMs: Math.max(0, config.latencyMs),
    ...(config.allowPrivate ? {} : { guard: createEgressGuard({ allowTargets: config.allowTargets ?? [] }) }),
  })
}
