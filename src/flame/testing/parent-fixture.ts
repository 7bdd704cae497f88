/**
 * A parent process for the "parent killed -9" test: starts a pool over the ProcessBackend
 * with one runner, makes that runner create a resource (whose disposer writes to the
 * marker file given as argv[2]), prints the runner's pid as JSON, then waits to be killed.
 */
import { Pool } from '../pool.ts'
import { fixtureBackend } from './backends.ts'
import { useResource } from './tasks.ts'

const marker = process.argv[2]
if (!marker) throw new Error('usage: parent-fixture.ts <marker file>')
const pool = new Pool({ name: 'orphan', backend: fixtureBackend(), min: 1, max: 1, log: false })
await pool.ready()
const r = await pool.call(useResource, { marker })
process.stdout.write(`${JSON.stringify({ runnerPid: r.pid, parentPid: process.pid })}\n`)
setInterval(() => {}, 60_000)
