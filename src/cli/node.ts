/**
 * A node, assembled: the cluster membership, this node's browser pool, the service that
 * answers `measure` for this region, and the test orchestration — everything but HTTP.
 * `wps serve` puts a server in front of it; `wps run` uses it directly.
 *
 *   const node = await startNode(readConfig(process.env))
 *   const started = await node.speedTests.start({ url: 'example.com' })
 *   await node.stop()     // ends tests, runners and their browsers, then leaves the cluster
 */

import {
  type Backend,
  FlyBackend,
  inClusterCredentials,
  KubernetesApi,
  KubernetesBackend,
  LocalBackend,
  NatsLink,
  Pool,
  ProcessBackend,
} from '@world-page-speed/flame'
import { createMemoryCluster, MemoryHub } from '../cluster/memory.ts'
import { connectNatsCluster } from '../cluster/nats.ts'
import type { Cluster } from '../cluster/types.ts'
import { NodeMetrics } from '../server/metrics.ts'
import { regionDeadlineMs } from '../speedtest/deadlines.ts'
import { serveMeasurements } from '../speedtest/region-service.ts'
import { SpeedTests } from '../speedtest/speed-tests.ts'
import { openStore, type Retention, startRetention, type TestStore } from '../store/index.ts'
import type { NodeConfig, PoolConfig } from './config.ts'
import { WPS_ENTRY } from './entry.ts'
import { runnerArgs } from './runner-command.ts'

export interface Node {
  config: NodeConfig
  cluster: Cluster
  pool: Pool
  speedTests: SpeedTests
  store: TestStore
  /** Fed by this node's measurements; GET /metrics shows them. */
  metrics: NodeMetrics
  stop(): Promise<void>
}

export interface PoolBackend {
  backend: Backend
  /** After the pool has shut down: stop what the backend holds (sweeps, the NATS link). */
  close(): Promise<void>
}

/** The environment a runner on a machine of its own needs besides FLAME_PARENT. */
export function runnerEnv(config: NodeConfig): Record<string, string> {
  const env: Record<string, string> = {
    WPS_REGION: config.region,
    WPS_NAV_TIMEOUT_MS: String(config.navTimeoutMs),
    WPS_MACHINE_BUDGET: String(config.machineBudget),
  }
  const nats = config.pool.fly?.runnerNatsUrl ?? config.pool.kubernetes?.runnerNatsUrl ?? config.natsUrl
  if (nats) env.NATS_URL = nats
  if (process.env.CHROME_PATH) env.CHROME_PATH = process.env.CHROME_PATH
  return env
}

export async function createPoolBackend(config: NodeConfig): Promise<PoolBackend> {
  const pool: PoolConfig = config.pool
  if (pool.backend === 'local') return { backend: new LocalBackend(), close: async () => {} }
  if (pool.backend === 'fly' && pool.fly && config.natsUrl) {
    const fly = pool.fly
    const link = await NatsLink.listen({
      servers: config.natsUrl.split(','),
      runnerServers: fly.runnerNatsUrl.split(','),
    })
    const backend = new FlyBackend({
      link,
      api: { url: fly.apiUrl, token: fly.apiToken, app: fly.app },
      image: fly.imageRef,
      region: fly.region,
      // run from the image's working directory, the app root
      cmd: ['node', ...runnerArgs('bin/wps.mjs')],
      guest: fly.guest,
      env: runnerEnv(config),
    })
    return {
      backend,
      close: async () => {
        backend.close()
        await link.close()
      },
    }
  }
  if (pool.backend === 'kubernetes' && pool.kubernetes && config.natsUrl) {
    const k8s = pool.kubernetes
    // credentials are read now, so a node without its service account fails at start
    const api = new KubernetesApi(inClusterCredentials(k8s.inCluster))
    const link = await NatsLink.listen({
      servers: config.natsUrl.split(','),
      runnerServers: k8s.runnerNatsUrl.split(','),
    })
    const backend = new KubernetesBackend({
      link,
      api,
      environment: k8s.inCluster,
      // run from the image's working directory, the app root
      command: ['node', ...runnerArgs('bin/wps.mjs')],
      env: runnerEnv(config),
      ...(k8s.container ? { container: k8s.container } : {}),
      ...(k8s.resources ? { resources: k8s.resources } : {}),
    })
    return {
      backend,
      close: async () => {
        await backend.drain()
        await link.close()
      },
    }
  }
  // A runner is this same app started as `wps runner`: it imports the same tasks.
  return {
    backend: new ProcessBackend({
      command: process.execPath,
      args: runnerArgs(WPS_ENTRY),
      nice: pool.runnerNice,
    }),
    close: async () => {},
  }
}

export interface StartNodeOptions {
  httpUrl?: string
  /** The pool's own log lines (grow, shrink, boot failures): `false` silences them (`wps run` without --verbose). */
  poolLog?: false
  /**
   * How long measurements still running may go on once the node stops (the pool's
   * shutdownTimeout; default 30 s). An interrupted `wps run` has no one to hand a late row to.
   */
  shutdownTimeoutMs?: number
}

export async function startNode(config: NodeConfig, options: StartNodeOptions = {}): Promise<Node> {
  // First, so a database that cannot be reached or migrated stops the node before it joins anything.
  const store = await openStore(config.storage)
  const nodeId = `${config.region}-${config.machineId}-${process.pid}`
  const poolBackend = await createPoolBackend(config)
  const pool = new Pool({
    name: 'browser',
    backend: poolBackend.backend,
    min: config.pool.min,
    max: config.pool.max,
    maxConcurrency: config.pool.maxConcurrency,
    idleShutdownAfter: config.pool.idleShutdownMs,
    bootTimeout: config.pool.bootTimeoutMs,
    ...(options.poolLog === false ? { log: false as const } : {}),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeout: options.shutdownTimeoutMs } : {}),
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
  const metrics = new NodeMetrics()
  serveMeasurements(cluster, {
    pool,
    observer: metrics,
    navTimeoutMs: config.navTimeoutMs,
    lateWindowMs: config.lateWindowMs,
    lighthouseTimeoutMs: config.lighthouseTimeoutMs,
    queueTimeoutMs: config.queueTimeoutMs,
    machineSlots: config.machineBudget,
    // the runner enforces it where the browser runs
    egress: {
      allowPrivate: config.allowPrivate,
      latencyMs: config.latencyMs,
      allowTargets: config.allowTargets.map((target) => target.text),
    },
  })
  const speedTests = new SpeedTests({
    cluster,
    store,
    allowPrivate: config.allowPrivate,
    allowTargets: config.allowTargets,
    startLimits: { perHost: config.startsPerHostPerMinute, total: config.startsTotalPerMinute },
    // per test: its runs one after another, each waiting in line again, then Lighthouse
    deadlineMs: (request) => regionDeadlineMs(config, request),
  })
  const retention: Retention | null =
    config.storage.retentionDays > 0 ? startRetention(store, { days: config.storage.retentionDays }) : null
  let stopping: Promise<void> | null = null
  return {
    config,
    cluster,
    pool,
    speedTests,
    store,
    metrics,
    stop: () => {
      stopping ??= (async () => {
        await speedTests.close()
        await pool.shutdown()
        await poolBackend.close()
        await cluster.close()
        await retention?.stop()
        await store.close()
      })()
      return stopping
    },
  }
}
