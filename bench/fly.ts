/**
 * Runners as machines (issue 12): the cold start of a runner booted through the
 * Machines API — here the fake Fly API, which runs the machine's command as a process
 * with only its environment — split into create request → runner ready → task
 * running, and the hot call over the NATS link (p50/p99), each beside the process
 * backend (IPC child) with the same runner program, so the difference is the API and
 * the network link. A real nats-server carries the link. Then the same for the real
 * `wps runner` (the compiled build when current) measuring a page: empty pool → task
 * running (target ≤ 0.5 s) → first page loaded. Returns what it prints, by table:
 * `coldStart.fly.runningMs`, `coldStart.flyMinusProcessMs`, `wpsRunner.process.loadedMs`,
 * `hotCall.fly.p99Ms`, … (a table's "empty pool → task running" lines are its `readyMs`).
 */
import { FlyBackend, NatsLink, Pool, parseGuest } from '@world-page-speed/flame'
import {
  fixtureBackend,
  hotCallTimes,
  runnerFixture,
  startFakeFly,
  tsxLoader,
} from '@world-page-speed/flame/testing'
import { readConfig } from '../src/cli/config.ts'
import { createPoolBackend } from '../src/cli/node.ts'
import { startNatsServer } from '../test/cluster/nats-server.ts'
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import {
  type ColdFigures,
  coldHeader,
  coldLine,
  coldRuns,
  hotLine,
  medianOf,
  versus,
  wpsRunnerCall,
} from './runner-cold.ts'
import { fmt, WPS_BIN } from './support.ts'

const APP = 'wps-bench'
const TOKEN = 'bench-token'
// Fly allows about one create a second; stay under it so no run waits on a 429
const PAUSE_MS = 1_100

export interface FlyFigures {
  coldStart: { fly: ColdFigures; process: ColdFigures; flyMinusProcessMs: number }
  wpsRunner: { fly: ColdFigures; process: ColdFigures }
  hotCall: { fly: { p50Ms: number; p99Ms: number }; process: { p50Ms: number; p99Ms: number } }
}

export async function benchFly(runs = 5): Promise<FlyFigures> {
  const nats = await startNatsServer()
  const fly = await startFakeFly({ app: APP, token: TOKEN, appRoot: process.cwd() })
  const link = await NatsLink.listen({ servers: nats.url })
  const site = await startFixtureSite()
  const flyBackend = (cmd: string[], env: Record<string, string> = {}) =>
    new FlyBackend({
      link,
      api: { url: fly.url, token: TOKEN, app: APP },
      image: 'registry.fly.io/wps-bench:1',
      region: 'fra',
      cmd,
      env,
      guest: parseGuest('performance-2x'),
      sweepEveryMs: 0,
      log: () => {},
    })
  const fixtureCmd = [process.execPath, '--import', tsxLoader, runnerFixture]
  // the real runner, as a node's FlyBackend starts it (no machine budget: the bench's loads never overlap)
  const wpsEnv: Record<string, string> = { WPS_MACHINE_BUDGET: '0' }
  if (process.env.CHROME_PATH) wpsEnv.CHROME_PATH = process.env.CHROME_PATH
  const wpsCmd = [process.execPath, WPS_BIN, 'runner']
  try {
    const lastCreate = () =>
      fly.requests
        .filter((r) => r.method === 'POST' && r.path.endsWith('/machines') && r.status === 200)
        .at(-1)?.at
    const fly1 = await coldRuns(
      () => new Pool({ name: 'cold-fly', backend: flyBackend(fixtureCmd), max: 1, log: false }),
      runs,
      { createdAt: lastCreate, pauseMs: PAUSE_MS },
    )
    const proc = await coldRuns(
      () => new Pool({ name: 'cold-proc', backend: fixtureBackend(), max: 1, log: false }),
      runs,
    )
    console.log(
      `\n## Runner cold start, median of ${runs} (runner: node + tsx + flame; target: Fly via the fake API ≤ process + 300 ms)`,
    )
    coldHeader()
    const flyCold = coldLine('fly (fake Machines API + NATS)', fly1)
    const procCold = coldLine('process (child + IPC)', proc)
    const extra = medianOf(fly1, (r) => r.running) - medianOf(proc, (r) => r.running)
    console.log(
      `fly − process                        ${fmt(extra)} (${extra <= 300 ? 'within' : 'OVER'} target)`,
    )

    const url = `${site.url}${FACTS.rich.path}`
    const previous = process.env.WPS_MACHINE_BUDGET
    process.env.WPS_MACHINE_BUDGET = '0'
    const wpsFly = await coldRuns(
      () => new Pool({ name: 'cold-fly-wps', backend: flyBackend(wpsCmd, wpsEnv), max: 1, log: false }),
      runs,
      { createdAt: lastCreate, pauseMs: PAUSE_MS, call: wpsRunnerCall(url) },
    )
    const { backend: wpsProcess } = await createPoolBackend(readConfig({ WPS_POOL_BACKEND: 'process' }))
    const wpsProc = await coldRuns(
      () => new Pool({ name: 'cold-proc-wps', backend: wpsProcess, max: 1, log: false }),
      runs,
      { call: wpsRunnerCall(url) },
    )
    if (previous === undefined) delete process.env.WPS_MACHINE_BUDGET
    else process.env.WPS_MACHINE_BUDGET = previous
    console.log(`\n## Cold start of the real \`wps runner\` measuring /rich, median of ${runs}`)
    coldHeader('loaded')
    const flyWps = coldLine('fly: wps runner (fake API + NATS)', wpsFly, 'done')
    const procWps = coldLine('process: wps runner (child + IPC)', wpsProc, 'done')
    console.log(`fly: empty pool → task running       ${versus(flyWps.readyMs, 500)}`)
    console.log(`process: empty pool → task running   ${versus(procWps.readyMs, 500)}`)

    console.log('\n## Hot call of an empty task on a warm runner (target: NATS p99 ≤ 10 ms)')
    const flyHot = hotLine('fly runner over NATS', await hotCallTimes(flyBackend(fixtureCmd), 500), 10)
    const procHot = hotLine('process runner over IPC', await hotCallTimes(fixtureBackend(), 500))
    return {
      coldStart: { fly: flyCold, process: procCold, flyMinusProcessMs: extra },
      wpsRunner: { fly: flyWps, process: procWps },
      hotCall: { fly: flyHot, process: procHot },
    }
  } finally {
    await site.close()
    await link.close()
    await fly.close()
    await nats.stop()
  }
}
