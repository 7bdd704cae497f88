/**
 * A planet on loopback for tests: a real `nats-server` and one real `wps serve` process
 * per region, joined through it, each with its own runner pool and Chromium. Everything
 * started here is tracked so a test can kill one node (kill -9 included), restart NATS,
 * and at the end prove that nothing it started is still running.
 *
 *   const planet = await startPlanet([{ region: 'ord' }, { region: 'fra', env: { WPS_LATENCY_MS: '100' } }])
 *   t.after(() => planet.stop())              // safety net: idempotent, kills on timeout
 *   const [ord, fra] = planet.nodes           // { region, url, node, printedAt, kill(), … }
 *   await planet.nats.restart()
 *   assert.deepEqual(await planet.stop(), []) // leftovers: processes it started still alive
 *
 * Tracking: a node's runners and their Chromium are its descendants until it dies, after
 * which they are reparented; every process also inherits a marker variable (Chromium's
 * zygotes rewrite theirs). So "started by this planet" = descendants ∪ marked, snapshotted
 * before anything is stopped, and "left behind" = still alive with the same command line.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort, type NatsServer, startNatsServer } from '../cluster/nats-server.ts'
import { freshDataDir } from '../support/data-dir.ts'
import {
  descendantsOf,
  isMarked,
  listProcesses,
  markedProcesses,
  type ProcessInfo,
} from '../support/processes.ts'

const WPS_BIN = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))
const MARK = 'WPS_MULTIREGION_MARK'

export interface NodeSpec {
  region: string
  env?: Record<string, string>
}

export interface NodeProcess {
  region: string
  /** http://127.0.0.1:<port> */
  url: string
  /** The node id it printed (rows are keyed by it). */
  node: string
  pid: number
  /** performance.now() when it printed the URL it serves. */
  printedAt: number
  child: ChildProcess
  exited: Promise<void>
  /** Processes it has started that are alive now and still its descendants (runners, Chromium). */
  started(): ProcessInfo[]
  output(): string
}

export interface Planet {
  nats: NatsServer
  nodes: NodeProcess[]
  byRegion(region: string): NodeProcess
  /** SIGTERM every node and nats-server, then return what is still alive after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessInfo[]>
}

/** Settings that suit a test: loopback targets allowed, no rate limit, runners that idle away soon. */
const TEST_ENV = {
  WPS_ALLOW_PRIVATE: '1',
  WPS_RATE_LIMIT_PER_MIN: '100000',
  WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
  WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
  WPS_POOL_IDLE_SHUTDOWN_MS: '15000',
  PUPPETEER_SKIP_DOWNLOAD: '1',
}

const everyChild = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of everyChild) child.kill('SIGKILL')
})

export async function startPlanet(specs: NodeSpec[]): Promise<Planet> {
  const marker = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`
  const nats = await startNatsServer()
  const started = await Promise.allSettled(specs.map((spec) => startNode(spec, nats.url, marker)))
  const nodes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  let stopping: Promise<ProcessInfo[]> | null = null

  const planet: Planet = {
    nats,
    nodes,
    byRegion(region) {
      const found = nodes.find((n) => n.region === region)
      if (!found) throw new Error(`no node in ${region}`)
      return found
    },
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        const known = new Map<number, ProcessInfo>()
        for (const node of nodes) for (const info of node.started()) known.set(info.pid, info)
        for (const info of markedProcesses(MARK, marker)) known.set(info.pid, info)
        await Promise.all(nodes.map((node) => terminate(node.child, 20_000)))
        await nats.stop()
        return waitForLeftovers(known, marker, graceMs)
      })()
      return stopping
    },
  }
  const failure = started.find((outcome) => outcome.status === 'rejected')
  if (failure) {
    await planet.stop()
    throw failure.reason
  }
  return planet
}

async function startNode(spec: NodeSpec, natsUrl: string, marker: string): Promise<NodeProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [WPS_BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      ...TEST_ENV,
      WPS_DATA_DIR: freshDataDir(spec.region),
      ...spec.env,
      WPS_REGION: spec.region,
      NATS_URL: natsUrl,
      [MARK]: marker,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  everyChild.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => everyChild.delete(child))
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000)
  }
  child.stderr?.on('data', keep)

  const { node, printedAt } = await new Promise<{ node: string; printedAt: number }>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the ${spec.region} node did not serve within 30 s:\n${log}`))
    }, 30_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk)
      out += chunk.toString()
      const match = out.match(/serving http:\/\/\S+ \(region \S+, node (\S+)\)/)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ node: match[1], printedAt: performance.now() })
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the ${spec.region} node exited early (${code ?? signal}):\n${log}`))
    })
  })

  return {
    region: spec.region,
    url: `http://127.0.0.1:${port}`,
    node,
    pid: child.pid ?? -1,
    printedAt,
    child,
    exited,
    started: () => descendantsOf(child.pid ?? -1),
    output: () => log,
  }
}

/** The processes of `known` (same pid, same command) or marked by `marker` that are still alive after `graceMs`. */
export async function waitForLeftovers(
  known: Map<number, ProcessInfo>,
  marker: string | null,
  graceMs: number,
): Promise<ProcessInfo[]> {
  const alive = () =>
    listProcesses().filter(
      (info) =>
        info.pid !== process.pid &&
        (known.get(info.pid)?.command === info.command || (marker !== null && isMarked(info, MARK, marker))),
    )
  const deadline = Date.now() + graceMs
  let leftovers = alive()
  while (leftovers.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    leftovers = alive()
  }
  return leftovers
}

/** SIGTERM, then SIGKILL if it has not exited within `withinMs`. */
export async function terminate(child: ChildProcess, withinMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), withinMs)
  await gone
  clearTimeout(timer)
}

export const describeProcesses = (list: ProcessInfo[]): string[] =>
  list.map((info) => `${info.pid} ${info.command.slice(0, 120)}`)
