/**
 * The region side of the control-plane benchmark, in a process of its own: one region
 * service per region code (each its own NATS connection and cluster member, its own pool
 * on a LocalBackend whose runner runs the simulated `timedNav`), all in this one process.
 * Configured by env; prints `ready` once every member has joined, exits when stdin closes,
 * so it cannot outlive the benchmark.
 *
 *   WPS_BENCH_NATS_URL=nats://127.0.0.1:4222 WPS_BENCH_REGIONS=ams,arn,… \
 *     node --import tsx bench/control-plane-regions.ts
 */
import { LocalBackend, Pool } from '@world-page-speed/flame'
import { connectNatsCluster } from '../src/cluster/nats.ts'
import type { Cluster } from '../src/cluster/types.ts'
import { serveMeasurements } from '../src/speedtest/region-service.ts'
import { simulatedTasks } from './simulated-nav.ts'

const servers = process.env.WPS_BENCH_NATS_URL
const regions = (process.env.WPS_BENCH_REGIONS ?? '').split(',').filter(Boolean)
if (!servers || regions.length === 0) {
  console.error('control-plane-regions: set WPS_BENCH_NATS_URL and WPS_BENCH_REGIONS')
  process.exit(2)
}

const tasks = simulatedTasks()
const parts: { cluster: Cluster; pool: Pool }[] = []
for (const region of regions) {
  const pool = new Pool({
    name: 'browser',
    backend: new LocalBackend({ tasks }),
    min: 1,
    max: 1,
    // no browser behind it: one runner takes every call at once
    maxConcurrency: 10_000,
    log: false,
  })
  const cluster = await connectNatsCluster({
    servers,
    member: { node: `${region}-sim-${process.pid}`, region, machineId: `sim-${process.pid}`, capacity: 1 },
  })
  serveMeasurements(cluster, {
    pool,
    navTimeoutMs: 30_000,
    queueTimeoutMs: 120_000,
    machineSlots: 0,
    egress: { allowPrivate: true, latencyMs: 0 },
  })
  parts.push({ cluster, pool })
}
process.stdout.write('ready\n')

let stopping = false
const shutdown = async (): Promise<void> => {
  if (stopping) return
  stopping = true
  for (const { cluster, pool } of parts) {
    await cluster.close()
    await pool.shutdown()
  }
  process.exit(0)
}
process.stdin.on('end', () => void shutdown())
process.stdin.resume()
process.on('SIGTERM', () => void shutdown())
