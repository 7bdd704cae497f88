/**
 * A parent process for the "node killed -9" test of the FlyBackend: a pool over the fake
 * Fly Machines API (argv: NATS url, API url, token, app) with one runner booted as a
 * "machine"; prints the runner's pid as JSON, then waits to be killed. The machine is
 * the fake API's child, not this process's: only the heartbeats tell it its parent died.
 */
import { FlyBackend } from '../backends/fly.ts'
import { NatsLink } from '../nats-link.ts'
import { Pool } from '../pool.ts'
import { runnerFixture, tsxLoader } from './backends.ts'
import { whoami } from './tasks.ts'

const [servers, url, token, app] = process.argv.slice(2)
if (!servers || !url || !token || !app)
  throw new Error('usage: fly-parent-fixture.ts <nats> <api> <token> <app>')
const link = await NatsLink.listen({ servers })
const backend = new FlyBackend({
  link,
  api: { url, token, app },
  image: 'registry.fly.io/test:fixture',
  region: 'fra',
  cmd: ['node', '--import', tsxLoader, runnerFixture],
  guest: { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 },
  log: () => {},
})
const pool = new Pool({ name: 'orphan', backend, min: 1, max: 1, log: false })
await pool.ready()
const r = await pool.call(whoami, null)
process.stdout.write(`${JSON.stringify({ runnerPid: r.pid, parentPid: process.pid })}\n`)
setInterval(() => {}, 60_000)
