/**
 * Whether the control plane is ever the bottleneck: one requesting node's real
 * orchestration (SpeedTests, with its SQLite store) fans tests out over a real
 * nats-server to 30 simulated regions — 30 real region services with real pools, in a
 * process of their own, whose runners run a no-browser `timedNav` (simulated-nav.ts) —
 * and collects every row. Figures:
 *
 * - tests/s, each test measured in all 30 regions, that the node starts and collects to
 *   `done` with a fixed number of tests in flight (target ≥ 300/s);
 * - CPU ms per test in the requesting node, in the 30 region services and in
 *   nats-server: what the planet-scale arithmetic in the README is made of;
 * - NATS messages per test, from nats-server's own counters (`/varz` in_msgs: published;
 *   out_msgs: delivered), with the heartbeat traffic measured idle subtracted.
 *
 * All three processes share this 2-core machine, so tests/s is a floor for the node
 * alone; CPU per test is the figure that does not depend on who else runs.
 *
 * Then the memory figures: the requesting node's RSS after 1000 tests (target ≤ 150 MB),
 * and its heap after a full collection before and after 500 sequential tests (no growth).
 *
 *   npm run bench -- control-plane
 *   WPS_BENCH_IN_FLIGHT=8 WPS_BENCH_STORE=memory npm run bench -- control-plane   # fewer in flight; store in memory
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { connectNatsCluster } from '../src/cluster/nats.ts'
import { SpeedTests } from '../src/speedtest/speed-tests.ts'
import { openStore } from '../src/store/index.ts'
import { startNatsServer } from '../test/cluster/nats-server.ts'
import { fmt, percentile, treeCpuSeconds } from './support.ts'

export const REGIONS = [
  'ams', 'arn', 'atl', 'bog', 'bom', 'bos', 'cdg', 'den', 'dfw', 'ewr',
  'eze', 'fra', 'gdl', 'gig', 'gru', 'hkg', 'lax', 'lhr', 'mad', 'mia',
  'nrt', 'ord', 'otp', 'phx', 'qro', 'scl', 'sea', 'sin', 'syd', 'waw',
] // biome-ignore format: a table

const TARGET_TESTS_PER_S = 300
const TARGET_RSS_MB = 150
/** Heap growth across the leak window that still counts as none (GC noise, JIT code). */
const LEAK_SLACK_MB = 5

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
/** Heap in use after a full collection, MB. */
function heapAfterGc(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}
const REGIONS_SCRIPT = fileURLToPath(new URL('./control-plane-regions.ts', import.meta.url))

interface Varz {
  in_msgs: number
  out_msgs: number
}

async function varz(monitorUrl: string): Promise<Varz> {
  const answer = await fetch(`${monitorUrl}/varz`)
  const body = (await answer.json()) as Partial<Varz>
  if (typeof body.in_msgs !== 'number' || typeof body.out_msgs !== 'number')
    throw new Error('nats-server /varz has no in_msgs/out_msgs')
  return { in_msgs: body.in_msgs, out_msgs: body.out_msgs }
}

function startRegions(natsUrl: string, regions: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', REGIONS_SCRIPT], {
    env: { ...process.env, WPS_BENCH_NATS_URL: natsUrl, WPS_BENCH_REGIONS: regions.join(',') },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('ready')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`the region process exited early with ${code}`)))
  })
}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.stdin?.end()
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
  })

export interface ControlPlaneFigures {
  testsPerS: number
  rowsPerS: number
  testP50Ms: number
  testP99Ms: number
  requesterCpuMsPerTest: number
  requesterSysMsPerTest: number
  regionsCpuMsPerTest: number
  natsCpuMsPerTest: number
  publishedPerTest: number
  deliveredPerTest: number
  rssMbAfter1000: number
  /** Before the first test: the process with its modules (and tsx) loaded, connected. */
  rssMbAtStart: number
  heapGrowthMbOver500: number
}

export async function benchControlPlane(
  options: { inFlight?: number; seconds?: number } = {},
): Promise<ControlPlaneFigures> {
  const inFlight = options.inFlight ?? Number(process.env.WPS_BENCH_IN_FLIGHT ?? 16)
  const seconds = options.seconds ?? 8
  const nats = await startNatsServer({ monitor: true })
  const dataDir = mkdtempSync(join(tmpdir(), 'wps-bench-control-'))
  const children: ChildProcess[] = []
  try {
    const monitorUrl = nats.monitorUrl as string
    children.push(await startRegions(nats.url, REGIONS))
    const cluster = await connectNatsCluster({
      servers: nats.url,
      member: { node: 'iad-bench-requester', region: 'iad', machineId: 'bench', capacity: 0 },
    })
    const store = await openStore({
      dataDir: process.env.WPS_BENCH_STORE === 'memory' ? null : dataDir,
      databaseUrl: null,
    })
    const tests = new SpeedTests({
      cluster,
      store,
      allowPrivate: true,
      deadlineMs: 60_000,
      retainMs: 2_000,
      onError: (error) => {
        throw error
      },
    })
    const rssMbAtStart = process.memoryUsage().rss / 1024 / 1024
    try {
      const deadline = Date.now() + 15_000
      while (cluster.members().filter((m) => REGIONS.includes(m.region)).length < REGIONS.length) {
        if (Date.now() > deadline) throw new Error('the 30 regions did not join within 15 s')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }

      let failedRows = 0
      let issued = 0
      /** One test, started and followed to `done`; resolves with its ms. */
      const oneTest = async (): Promise<number> => {
        issued++
        const t0 = performance.now()
        const started = await tests.start({ url: 'http://127.0.0.1:9/page', regions: REGIONS })
        if (!started.ok) throw new Error(`start refused: ${started.error.message}`)
        await new Promise<void>((resolve, reject) => {
          void tests
            .subscribe(started.test.id, (event) => {
              if (event.type !== 'done') return
              const rows = event.test.results
              if (rows.length !== REGIONS.length)
                reject(new Error(`${rows.length} rows, not ${REGIONS.length}`))
              const bad = rows.filter((r) => r.status !== 'complete' || r.metrics?.load !== 140)
              if (bad.length > 0 && failedRows === 0) console.error(JSON.stringify(bad[0]))
              failedRows += bad.length
              resolve()
            })
            .then((stop) => {
              if (!stop) reject(new Error('the test vanished'))
            })
        })
        return performance.now() - t0
      }
      const loop = async (until: number, into: number[]): Promise<void> => {
        while (performance.now() < until) into.push(await oneTest())
      }

      // Warm-up: JIT, the SQLite file, every pool's runner.
      await Promise.all(Array.from({ length: inFlight }, () => loop(performance.now() + 1_500, [])))

      const idleFrom = await varz(monitorUrl)
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      const idleTo = await varz(monitorUrl)
      const idlePerMs = {
        in: (idleTo.in_msgs - idleFrom.in_msgs) / 2_000,
        out: (idleTo.out_msgs - idleFrom.out_msgs) / 2_000,
      }

      const natsPid = nats.pid as number
      const regionsPid = children[0]?.pid as number
      const before = {
        varz: await varz(monitorUrl),
        self: process.cpuUsage(),
        regions: treeCpuSeconds(regionsPid),
        nats: treeCpuSeconds(natsPid),
        at: performance.now(),
      }
      const times: number[] = []
      const until = performance.now() + seconds * 1_000
      await Promise.all(Array.from({ length: inFlight }, () => loop(until, times)))
      const elapsedMs = performance.now() - before.at
      const self = process.cpuUsage(before.self)
      const after = await varz(monitorUrl)
      const regionsCpu = treeCpuSeconds(regionsPid) - before.regions
      const natsCpu = treeCpuSeconds(natsPid) - before.nats
      if (failedRows > 0) throw new Error(`${failedRows} rows did not complete with the simulated numbers`)

      // Memory: up to 500 tests in all, then 500 more one after another; the heap after a full
      // collection before and after those 500 is the leak check, the RSS after ≥ 1000 the bound.
      // The retained live runs (retainMs) have expired by each reading.
      const memoryLoop = async (count: number): Promise<void> => {
        while (issued < count) await oneTest()
      }
      await Promise.all(Array.from({ length: 4 }, () => memoryLoop(500)))
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      const heapAt500 = heapAfterGc()
      const leakFrom = issued
      await memoryLoop(Math.max(1_000, issued + 500))
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      const heapAfter = heapAfterGc()
      const rssMb = process.memoryUsage().rss / 1024 / 1024
      if (failedRows > 0) throw new Error(`${failedRows} rows did not complete with the simulated numbers`)

      const n = times.length
      const figures: ControlPlaneFigures = {
        testsPerS: (n / elapsedMs) * 1_000,
        rowsPerS: ((n * REGIONS.length) / elapsedMs) * 1_000,
        testP50Ms: percentile(times, 50),
        testP99Ms: percentile(times, 99),
        requesterCpuMsPerTest: (self.user + self.system) / 1_000 / n,
        requesterSysMsPerTest: self.system / 1_000 / n,
        regionsCpuMsPerTest: (regionsCpu * 1_000) / n,
        natsCpuMsPerTest: (natsCpu * 1_000) / n,
        publishedPerTest: (after.in_msgs - before.varz.in_msgs - idlePerMs.in * elapsedMs) / n,
        deliveredPerTest: (after.out_msgs - before.varz.out_msgs - idlePerMs.out * elapsedMs) / n,
        rssMbAfter1000: rssMb,
        rssMbAtStart,
        heapGrowthMbOver500: heapAfter - heapAt500,
      }
      console.log(
        `\n## Control plane (1 requesting node, nats-server, ${REGIONS.length} simulated regions in one process; no browser)`,
      )
      console.log(
        `tests/s, each in ${REGIONS.length} regions (${inFlight} in flight, ${n} tests in ${(elapsedMs / 1000).toFixed(1)} s)   ${figures.testsPerS.toFixed(0)}/s   target ≥ ${TARGET_TESTS_PER_S}/s: ${figures.testsPerS >= TARGET_TESTS_PER_S ? 'met' : 'NOT met'}`,
      )
      console.log(`rows/s collected                          ${figures.rowsPerS.toFixed(0)}/s`)
      console.log(
        `one test, start → done                    p50 ${fmt(figures.testP50Ms)}   p99 ${fmt(figures.testP99Ms)}`,
      )
      console.log(
        `CPU per test: requesting node ${figures.requesterCpuMsPerTest.toFixed(2)} ms (${figures.requesterSysMsPerTest.toFixed(2)} ms of it in the kernel), ${REGIONS.length} region services ${figures.regionsCpuMsPerTest.toFixed(2)} ms, nats-server ${figures.natsCpuMsPerTest.toFixed(2)} ms`,
      )
      console.log(
        `  → one core of requesting node alone: ${(1_000 / figures.requesterCpuMsPerTest).toFixed(0)} tests/s`,
      )
      console.log(
        `NATS messages per test (heartbeats subtracted): ${figures.publishedPerTest.toFixed(1)} published, ${figures.deliveredPerTest.toFixed(1)} delivered (${(figures.publishedPerTest / REGIONS.length).toFixed(2)} / ${(figures.deliveredPerTest / REGIONS.length).toFixed(2)} per region)`,
      )
      console.log(
        `requesting node's RSS after ${issued} tests (this process: orchestration, cluster, store; no HTTP)   ${rssMb.toFixed(0)} MB   target ≤ ${TARGET_RSS_MB} MB: ${rssMb <= TARGET_RSS_MB ? 'met' : 'NOT met'}`,
      )
      console.log(
        `  of which before the first test (modules, tsx's loader, connections): ${rssMbAtStart.toFixed(0)} MB; heap in use after GC ${heapAfter.toFixed(0)} MB`,
      )
      console.log(
        `heap after GC across ${issued - leakFrom} sequential tests: ${heapAt500.toFixed(1)} → ${heapAfter.toFixed(1)} MB (${figures.heapGrowthMbOver500 >= 0 ? '+' : ''}${figures.heapGrowthMbOver500.toFixed(1)} MB)   target: no growth (≤ ${LEAK_SLACK_MB} MB): ${figures.heapGrowthMbOver500 <= LEAK_SLACK_MB ? 'met' : 'NOT met'}`,
      )
      return figures
    } finally {
      await tests.close()
      await cluster.close()
      await store.close()
    }
  } finally {
    await Promise.all(children.map(stopChild))
    await nats.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
