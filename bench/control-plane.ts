/**
 * Whether the control plane is ever the bottleneck: one requesting node's real
 * orchestration (SpeedTests, with its SQLite store) fans tests out over a real
 * nats-server to 30 simulated regions — 30 real region services with real pools, in a
 * process of their own, whose runners run a no-browser `timedNav` (simulated-nav.ts) —
 * and collects every row.
 *
 * Three processes: nats-server, the regions (control-plane-regions.ts) and the
 * requesting node (control-plane-node.ts), which this process only drives and watches
 * (a JSON line per step over its stdin). The node is a process of its own, running the
 * bundle esbuild makes of it the way `scripts/build.mjs` makes `wps` (into dist/bench/),
 * because that is what users run: measured inside this process through tsx, its RSS
 * carried tsx's loader and transformed-module cache and this benchmark's own imports
 * (177 MB before the first test, against 75–85 MB for the bundle), and its CPU the
 * driver's. Its CPU is its own `process.cpuUsage()`, its RSS is read from /proc.
 * WPS_BENCH_FROM_SOURCE=1 runs both scripts through tsx instead, for comparison.
 *
 * Figures:
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
 *   WPS_BENCH_CPU_PROF=/tmp/prof npm run bench -- control-plane   # a .cpuprofile per process, for DevTools
 *   WPS_BENCH_FROM_SOURCE=1 npm run bench -- control-plane        # both processes on the sources through tsx
 *   WPS_BENCH_PREBUILT=dist/bench-old npm run bench -- control-plane   # the scripts of an earlier build (A/B)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
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

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Two folders below the root, as dist/app/ and src/<layer>/ are. */
const BUILD_DIR = join(ROOT, 'dist', 'bench')
const ENTRIES = {
  'control-plane-node': 'bench/control-plane-node.ts',
  'control-plane-regions': 'bench/control-plane-regions.ts',
}

/**
 * The two processes' scripts: bundled as `scripts/build.mjs` bundles `wps` (npm packages
 * external, the flame workspace through tsconfig's paths), or the sources through tsx
 * with WPS_BENCH_FROM_SOURCE=1 (how this benchmark ran before: for comparison).
 */
async function scripts(): Promise<Record<keyof typeof ENTRIES, string[]>> {
  const prebuilt = process.env.WPS_BENCH_PREBUILT
  if (prebuilt) {
    return {
      'control-plane-node': [join(prebuilt, 'control-plane-node.mjs')],
      'control-plane-regions': [join(prebuilt, 'control-plane-regions.mjs')],
    }
  }
  if (process.env.WPS_BENCH_FROM_SOURCE === '1') {
    return {
      'control-plane-node': ['--import', 'tsx', join(ROOT, ENTRIES['control-plane-node'])],
      'control-plane-regions': ['--import', 'tsx', join(ROOT, ENTRIES['control-plane-regions'])],
    }
  }
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  })
  return {
    'control-plane-node': [join(BUILD_DIR, 'control-plane-node.mjs')],
    'control-plane-regions': [join(BUILD_DIR, 'control-plane-regions.mjs')],
  }
}

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

/** A child that answers one JSON line per line it is sent (control-plane-node.ts). */
interface Driven {
  child: ChildProcess
  ask(command: Record<string, unknown>): Promise<Record<string, unknown>>
}

/** Starts a script with the benchmark's env; resolves once its first line says it is ready. */
function startChild(args: string[], env: Record<string, string>): Promise<Driven> {
  const profile = process.env.WPS_BENCH_CPU_PROF
  const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []
  const child = spawn(process.execPath, [...flags, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const waiting: ((line: string) => void)[] = []
  let onExit: (error: Error) => void = () => {}
  child.once('exit', (code) => onExit(new Error(`${args.at(-1)} exited early with ${code}`)))
  lines.on('line', (line) => waiting.shift()?.(line))
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting.push(resolve)
      onExit = reject
    })
  const ask = async (command: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const answer = next()
    child.stdin?.write(`${JSON.stringify(command)}\n`)
    const parsed: unknown = JSON.parse(await answer)
    if (typeof parsed !== 'object' || parsed === null || Reflect.get(parsed, 'ok') !== true)
      throw new Error(`${JSON.stringify(command)} failed: ${JSON.stringify(parsed)}`)
    return parsed as Record<string, unknown>
  }
  return next().then(() => ({ child, ask }))
}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.stdin?.end()
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
  })

/** A process's resident set from /proc (VmRSS), MB. */
function rssMbOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) / 1024
}

const numberIn = (answer: Record<string, unknown>, name: string): number => {
  const value = answer[name]
  if (typeof value !== 'number') throw new Error(`no number "${name}" in ${JSON.stringify(answer)}`)
  return value
}

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
  const script = await scripts()
  const nats = await startNatsServer({ monitor: true })
  const dataDir = mkdtempSync(join(tmpdir(), 'wps-bench-control-'))
  const children: ChildProcess[] = []
  try {
    const monitorUrl = nats.monitorUrl as string
    const env = { WPS_BENCH_NATS_URL: nats.url, WPS_BENCH_REGIONS: REGIONS.join(',') }
    const regions = await startChild(script['control-plane-regions'], env)
    children.push(regions.child)
    const node = await startChild(script['control-plane-node'], {
      ...env,
      WPS_BENCH_DATA_DIR: process.env.WPS_BENCH_STORE === 'memory' ? '' : dataDir,
    })
    children.push(node.child)
    const nodePid = node.child.pid as number
    const rssMbAtStart = rssMbOf(nodePid)
    await node.ask({ cmd: 'wait', members: REGIONS.length })

    // Warm-up: JIT, the SQLite file, every pool's runner.
    await node.ask({ cmd: 'run', inFlight, ms: 1_500 })

    const idleFrom = await varz(monitorUrl)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const idleTo = await varz(monitorUrl)
    const idlePerMs = {
      in: (idleTo.in_msgs - idleFrom.in_msgs) / 2_000,
      out: (idleTo.out_msgs - idleFrom.out_msgs) / 2_000,
    }

    const natsPid = nats.pid as number
    const regionsPid = regions.child.pid as number
    const before = {
      varz: await varz(monitorUrl),
      regions: treeCpuSeconds(regionsPid),
      nats: treeCpuSeconds(natsPid),
      at: performance.now(),
    }
    const measured = await node.ask({ cmd: 'run', inFlight, ms: seconds * 1_000 })
    const elapsedMs = performance.now() - before.at
    const after = await varz(monitorUrl)
    const regionsCpu = treeCpuSeconds(regionsPid) - before.regions
    const natsCpu = treeCpuSeconds(natsPid) - before.nats
    const times = measured.times
    const cpu = measured.cpu
    if (!Array.isArray(times) || !times.every((t) => typeof t === 'number'))
      throw new Error('the node sent no test times')
    if (typeof cpu !== 'object' || cpu === null) throw new Error('the node sent no CPU use')
    const self = {
      user: numberIn(cpu as Record<string, unknown>, 'user'),
      system: numberIn(cpu as Record<string, unknown>, 'system'),
    }

    // Memory: up to 500 tests in all, then 500 more one after another; the heap after a full
    // collection before and after those 500 is the leak check, the RSS after ≥ 1000 the bound.
    // The retained live runs (retainMs) have expired by each reading.
    const issuedBefore = numberIn(await node.ask({ cmd: 'count', upTo: 500, inFlight: 4 }), 'issued')
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    const heapAt500 = numberIn(await node.ask({ cmd: 'heap' }), 'heapMb')
    const issued = numberIn(
      await node.ask({ cmd: 'count', upTo: Math.max(1_000, issuedBefore + 500), inFlight: 1 }),
      'issued',
    )
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    const heapAfter = numberIn(await node.ask({ cmd: 'heap' }), 'heapMb')
    const rssMb = rssMbOf(nodePid)

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
    const how = process.env.WPS_BENCH_FROM_SOURCE === '1' ? 'sources through tsx' : 'compiled with esbuild'
    console.log(
      `\n## Control plane (1 requesting node, nats-server, ${REGIONS.length} simulated regions in one process; no browser; ${how})`,
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
    const perCore = 1_000 / figures.requesterCpuMsPerTest
    console.log(
      `  → one core of the requesting node alone: ${perCore.toFixed(0)} tests/s   target ≥ ${TARGET_TESTS_PER_S}/s: ${perCore >= TARGET_TESTS_PER_S ? 'met' : 'NOT met'}`,
    )
    console.log(
      `NATS messages per test (heartbeats subtracted): ${figures.publishedPerTest.toFixed(1)} published, ${figures.deliveredPerTest.toFixed(1)} delivered (${(figures.publishedPerTest / REGIONS.length).toFixed(2)} / ${(figures.deliveredPerTest / REGIONS.length).toFixed(2)} per region)`,
    )
    console.log(
      `requesting node's RSS after ${issued} tests (its own process: orchestration, cluster, store; no HTTP)   ${rssMb.toFixed(0)} MB   target ≤ ${TARGET_RSS_MB} MB: ${rssMb <= TARGET_RSS_MB ? 'met' : 'NOT met'}`,
    )
    console.log(
      `  of which before the first test (modules loaded, connected): ${rssMbAtStart.toFixed(0)} MB; heap in use after GC ${heapAfter.toFixed(0)} MB`,
    )
    console.log(
      `heap after GC across ${issued - issuedBefore} sequential tests: ${heapAt500.toFixed(1)} → ${heapAfter.toFixed(1)} MB (${figures.heapGrowthMbOver500 >= 0 ? '+' : ''}${figures.heapGrowthMbOver500.toFixed(1)} MB)   target: no growth (≤ ${LEAK_SLACK_MB} MB): ${figures.heapGrowthMbOver500 <= LEAK_SLACK_MB ? 'met' : 'NOT met'}`,
    )
    return figures
  } finally {
    // The node first: it closes its cluster member and store, then the regions.
    for (const child of children.reverse()) await stopChild(child)
    await nats.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
