/**
 * Runners as machines (issue 12): the cold start of a runner booted through the
 * Machines API — here the fake Fly API, which runs the machine's command as a process
 * with only its environment — split into create request → runner ready → task
 * running, and the hot call over the NATS link (p50/p99), each beside the process
 * backend (IPC child) with the same runner program, so the difference is the API and
 * the network link. A real nats-server carries the link.
 */
import { FlyBackend, NatsLink, Pool, parseGuest } from '@world-page-speed/flame'
import {
  fixtureBackend,
  hotCallTimes,
  runnerFixture,
  sleep,
  startFakeFly,
  tsxLoader,
} from '@world-page-speed/flame/testing'
import { startNatsServer } from '../test/cluster/nats-server.ts'
import { fmt, median, percentile } from './support.ts'

const APP = 'wps-bench'
const TOKEN = 'bench-token'

interface ColdRun {
  /** call → the API answered the create */
  created: number
  /** call → runner ready (dialled in, said ready) */
  ready: number
  /** call → the task runs on it */
  running: number
}

async function coldRuns(
  makePool: () => Pool,
  runs: number,
  createdAt?: () => number | undefined,
): Promise<ColdRun[]> {
  const out: ColdRun[] = []
  for (let i = 0; i < runs; i++) {
    const pool = makePool()
    try {
      const t0 = performance.now()
      let ready = Number.NaN
      let running = Number.NaN
      await pool.call(
        sleep,
        { ms: 0 },
        {
          onPlaced: () => {
            ready = performance.now() - t0
          },
          onMessage: () => {
            running = performance.now() - t0
          },
        },
      )
      const created = createdAt?.()
      out.push({ created: created === undefined ? Number.NaN : created - t0, ready, running })
    } finally {
      await pool.shutdown()
    }
    // Fly allows about one create a second; stay under it so no run waits on a 429
    await new Promise((r) => setTimeout(r, 1_100))
  }
  return out
}

function coldLine(name: string, runs: ColdRun[]): void {
  const m = (pick: (r: ColdRun) => number) => median(runs.map(pick))
  const created = m((r) => r.created)
  console.log(
    `${name.padEnd(34)} ${Number.isNaN(created) ? '—'.padStart(9) : fmt(created).padStart(9)}  ${fmt(m((r) => r.ready)).padStart(9)}  ${fmt(m((r) => r.running)).padStart(9)}`,
  )
}

function hotLine(name: string, times: number[]): void {
  console.log(
    `${name.padEnd(34)} p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
  )
}

export async function benchFly(runs = 5): Promise<void> {
  const nats = await startNatsServer()
  const fly = await startFakeFly({ app: APP, token: TOKEN, appRoot: process.cwd() })
  const link = await NatsLink.listen({ servers: nats.url })
  const flyBackend = () =>
    new FlyBackend({
      link,
      api: { url: fly.url, token: TOKEN, app: APP },
      image: 'registry.fly.io/wps-bench:1',
      region: 'fra',
      cmd: [process.execPath, '--import', tsxLoader, runnerFixture],
      guest: parseGuest('performance-2x'),
      sweepEveryMs: 0,
      log: () => {},
    })
  try {
    const lastCreate = () =>
      fly.requests
        .filter((r) => r.method === 'POST' && r.path.endsWith('/machines') && r.status === 200)
        .at(-1)?.at
    const fly1 = await coldRuns(
      () => new Pool({ name: 'cold-fly', backend: flyBackend(), max: 1, log: false }),
      runs,
      lastCreate,
    )
    const proc = await coldRuns(
      () => new Pool({ name: 'cold-proc', backend: fixtureBackend(), max: 1, log: false }),
      runs,
    )
    console.log(
      `\n## Runner cold start, median of ${runs} (runner: node + tsx + flame; target: Fly via the fake API ≤ process + 300 ms)`,
    )
    console.log(`${''.padEnd(34)} ${'created'.padStart(9)}  ${'ready'.padStart(9)}  ${'running'.padStart(9)}`)
    coldLine('fly (fake Machines API + NATS)', fly1)
    coldLine('process (child + IPC)', proc)
    const extra = median(fly1.map((r) => r.running)) - median(proc.map((r) => r.running))
    console.log(
      `fly − process                      ${fmt(extra)} (${extra <= 300 ? 'within' : 'OVER'} target)`,
    )

    console.log('\n## Hot call of an empty task on a warm runner (target: NATS p99 ≤ 10 ms)')
    const overNats = await hotCallTimes(flyBackend(), 500)
    hotLine('fly runner over NATS', overNats)
    hotLine('process runner over IPC', await hotCallTimes(fixtureBackend(), 500))
    console.log(`NATS p99 ${percentile(overNats, 99) <= 10 ? 'within' : 'OVER'} target`)
  } finally {
    await link.close()
    await fly.close()
    await nats.stop()
  }
}
