/**
 * The requesting node of the control-plane benchmark, in a process of its own so that its
 * CPU and memory are its own and it runs what users run: control-plane.ts bundles this
 * file with esbuild, as `scripts/build.mjs` bundles `wps`, and starts the JavaScript. It
 * holds the real orchestration (SpeedTests with its store) and a NATS cluster member, and
 * is the client too: it starts tests and follows each to `done` in-process, as the HTTP
 * layer would (no HTTP here). The benchmark drives it over stdin and stdout, one JSON
 * object a line:
 *
 *   → {"cmd":"wait","members":30}                  ← {"ok":true}   (every region has joined)
 *   → {"cmd":"run","inFlight":16,"ms":8000}        ← {"ok":true,"times":[…],"cpu":{"user","system"}}
 *   → {"cmd":"count","upTo":1000,"inFlight":1}     ← {"ok":true,"issued":1000}
 *   → {"cmd":"heap"}                               ← {"ok":true,"heapMb":…}   (after a full GC)
 *
 * It prints `{"ready":true}` once connected and exits when stdin closes, so it cannot
 * outlive the benchmark. Configured by env: WPS_BENCH_NATS_URL, WPS_BENCH_REGIONS,
 * WPS_BENCH_DATA_DIR (unset: the store in memory).
 */
import { createInterface } from 'node:readline'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { connectNatsCluster } from '../src/cluster/nats.ts'
import { SpeedTests } from '../src/speedtest/speed-tests.ts'
import { openStore } from '../src/store/index.ts'

const servers = process.env.WPS_BENCH_NATS_URL
const regions = (process.env.WPS_BENCH_REGIONS ?? '').split(',').filter(Boolean)
if (!servers || regions.length === 0) {
  console.error('control-plane-node: set WPS_BENCH_NATS_URL and WPS_BENCH_REGIONS')
  process.exit(2)
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const cluster = await connectNatsCluster({
  servers,
  member: { node: 'iad-bench-requester', region: 'iad', machineId: 'bench', capacity: 0 },
})
const store = await openStore({ dataDir: process.env.WPS_BENCH_DATA_DIR || null, databaseUrl: null })
const tests = new SpeedTests({
  cluster,
  store,
  allowPrivate: true,
  deadlineMs: 60_000,
  onError: (error) => {
    console.error('control-plane-node:', error)
    process.exit(1)
  },
})

let issued = 0
/** One test, started and followed to `done`; resolves with its ms. Any row but the simulated one fails it. */
async function oneTest(): Promise<number> {
  issued++
  const t0 = performance.now()
  const started = await tests.start({ url: 'http://127.0.0.1:9/page', regions })
  if (!started.ok) throw new Error(`start refused: ${started.error.message}`)
  await new Promise<void>((resolve, reject) => {
    void tests
      .subscribe(started.test.id, (event) => {
        if (event.type !== 'done') return
        const rows = event.test.results
        if (rows.length !== regions.length) reject(new Error(`${rows.length} rows, not ${regions.length}`))
        const bad = rows.find((r) => r.status !== 'complete' || r.metrics?.load !== 140)
        if (bad)
          reject(new Error(`a row did not complete with the simulated numbers: ${JSON.stringify(bad)}`))
        resolve()
      })
      .then((stop) => {
        if (!stop) reject(new Error('the test vanished'))
      })
  })
  return performance.now() - t0
}

type Command =
  | { cmd: 'wait'; members: number }
  | { cmd: 'run'; inFlight: number; ms: number }
  | { cmd: 'count'; upTo: number; inFlight: number }
  | { cmd: 'heap' }

function parseCommand(line: string): Command {
  const value: unknown = JSON.parse(line)
  if (typeof value !== 'object' || value === null) throw new Error(`not a command: ${line}`)
  const field = (name: string): number => {
    const n = Reflect.get(value, name)
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`"${name}" must be a number: ${line}`)
    return n
  }
  const cmd: unknown = Reflect.get(value, 'cmd')
  if (cmd === 'wait') return { cmd, members: field('members') }
  if (cmd === 'run') return { cmd, inFlight: field('inFlight'), ms: field('ms') }
  if (cmd === 'count') return { cmd, upTo: field('upTo'), inFlight: field('inFlight') }
  if (cmd === 'heap') return { cmd }
  throw new Error(`unknown command: ${line}`)
}

async function perform(command: Command): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'wait': {
      const deadline = Date.now() + 15_000
      while (cluster.members().filter((m) => regions.includes(m.region)).length < command.members) {
        if (Date.now() > deadline) throw new Error(`the ${command.members} regions did not join within 15 s`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return {}
    }
    case 'run': {
      const times: number[] = []
      const cpu = process.cpuUsage()
      const until = performance.now() + command.ms
      const loop = async (): Promise<void> => {
        while (performance.now() < until) times.push(await oneTest())
      }
      await Promise.all(Array.from({ length: command.inFlight }, loop))
      return { times, cpu: process.cpuUsage(cpu) }
    }
    case 'count': {
      const loop = async (): Promise<void> => {
        while (issued < command.upTo) await oneTest()
      }
      await Promise.all(Array.from({ length: command.inFlight }, loop))
      return { issued }
    }
    case 'heap':
      gc()
      gc()
      return { heapMb: process.memoryUsage().heapUsed / 1024 / 1024 }
  }
}

const reply = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

let stopping = false
async function shutdown(): Promise<void> {
  if (stopping) return
  stopping = true
  await tests.close()
  await cluster.close()
  await store.close()
  process.exit(0)
}

// One command at a time, in order: the benchmark waits for each answer before the next.
let queue = Promise.resolve()
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  queue = queue.then(async () => {
    try {
      reply({ ok: true, ...(await perform(parseCommand(line))) })
    } catch (error) {
      reply({ ok: false, error: error instanceof Error ? error.message : String(error) })
    }
  })
})
lines.on('close', () => void queue.then(shutdown))
process.on('SIGTERM', () => void shutdown())
reply({ ready: true })
