/**
 * A parent process for the "parent killed -9" test of the network link: a pool over
 * MachineBackend + NatsLink (NATS at argv[2]) with one runner, which creates a resource
 * whose disposer writes to the marker file argv[3]; prints the runner's pid as JSON,
 * then waits to be killed. Its runner is not its child in any way that matters: no IPC,
 * so only the heartbeats tell it its parent is gone.
 */
import { MachineBackend } from '../backends/machine.ts'
import { NatsLink } from '../nats-link.ts'
import { Pool } from '../pool.ts'
import { runnerFixture, tsxLoader } from './backends.ts'
import { ProcessMachines } from './process-machines.ts'
import { useResource } from './tasks.ts'

const [servers, marker] = process.argv.slice(2)
if (!servers || !marker) throw new Error('usage: net-parent-fixture.ts <nats url> <marker file>')
const link = await NatsLink.listen({ servers })
const machines = new ProcessMachines({
  command: process.execPath,
  args: ['--import', tsxLoader, runnerFixture],
})
const backend = new MachineBackend({ name: 'net-process', link, machines })
const pool = new Pool({ name: 'orphan', backend, min: 1, max: 1, log: false })
await pool.ready()
const r = await pool.call(useResource, { marker })
process.stdout.write(`${JSON.stringify({ runnerPid: r.pid, parentPid: process.pid })}\n`)
setInterval(() => {}, 60_000)
