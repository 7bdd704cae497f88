/**
 * The network runner link, end to end on one computer: runners started as "machines"
 * (processes with only the environment the backend gives them, no IPC) dial out to
 * their parent over a real nats-server. The whole conformance suite runs over it, then
 * what only a network link must get right: large messages, liveness both ways, tokens,
 * protocol versions.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { MachineBackend } from './backends/machine.ts'
import { natsParentChannel } from './nats-channel.ts'
import { NatsLink } from './nats-link.ts'
import { PARENT_ENV, PARENT_ID, Parent, type ParentInfo, PROTOCOL_VERSION } from './parent.ts'
import { killParentAndAwaitRunner, killRunnerProcess, withPool } from './testing/backend-tests.ts'
import { runnerFixture, tsxLoader } from './testing/backends.ts'
import { conformance } from './testing/conformance.ts'
import { rejectsWith, startCall, waitFor } from './testing/harness.ts'
import { startNats } from './testing/nats-server.ts'
import { ProcessMachines } from './testing/process-machines.ts'
import { bigResult, echo, environment, sleep } from './testing/tasks.ts'

const nats = await startNats()
const link = await NatsLink.listen({ servers: nats.url })
const runnerArgs = ['--import', tsxLoader, runnerFixture]
const backends: { backend: MachineBackend; machines: ProcessMachines }[] = []

function netBackend(): MachineBackend {
  const machines = new ProcessMachines({ command: process.execPath, args: runnerArgs })
  const backend = new MachineBackend({ name: 'net-process', link, machines })
  backends.push({ backend, machines })
  return backend
}

after(async () => {
  await link.close()
  await nats.stop()
})

conformance({
  name: 'network (NATS, no IPC)',
  backend: netBackend,
  kill: killRunnerProcess,
})

describe('the network runner link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flame-net-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('gives the runner nothing but its environment: no IPC, a temp folder of its own', async () => {
    await withPool({ name: 'env', backend: netBackend() }, async (pool) => {
      const seen = await pool.call(environment, null)
      assert.equal(seen.ipc, false)
      assert.notEqual(seen.tmpdir, tmpdir())
      assert.deepEqual(
        seen.env,
        [PARENT_ENV, 'HOME', 'PATH', 'TMPDIR']
          .filter((k) => k in process.env || k === PARENT_ENV || k === 'TMPDIR')
          .sort(),
      )
      const record = Parent.decode(backends.at(-1)!.machines.created[0]!.env[PARENT_ENV]!)
      assert.equal(record.v, PROTOCOL_VERSION)
      assert.equal(record.parentId, PARENT_ID)
      assert.deepEqual(record.link?.servers, [nats.url])
      assert.ok((record.link?.token.length ?? 0) >= 32)
    })
  })

  it('carries messages of several MB both ways, intact (NATS allows 1 MB per message)', async () => {
    await withPool({ name: 'big', backend: netBackend() }, async (pool) => {
      const size = 5 * 1024 * 1024 + 123
      const bytes = await pool.call(bigResult, { size, seed: 7 })
      assert.equal(bytes.length, size)
      let wrong = -1
      for (let i = 0; i < size && wrong < 0; i++) if (bytes[i] !== ((i * 31 + 7) & 0xff)) wrong = i
      assert.equal(wrong, -1, `byte ${wrong} differs`)
      const input = { text: 'é'.repeat(1_500_000), list: Array.from({ length: 50_000 }, (_, i) => i) }
      assert.deepEqual(await pool.call(echo, input), input)
    })
  })

  it('fails the calls of a runner killed -9 with runner_lost within 5 s, destroys its machine, and serves the next call', async () => {
    const backend = netBackend()
    const { machines } = backends.at(-1)!
    await withPool({ name: 'kill', backend }, async (pool) => {
      const call = startCall(pool, sleep, { ms: 30_000 })
      await call.started
      const pid = pool.stats().runnerDetails[0]!.pid!
      const t0 = performance.now()
      process.kill(pid, 'SIGKILL')
      const err = await rejectsWith(call.result, 'runner_lost')
      const ms = performance.now() - t0
      assert.ok(ms < 5_000, `runner_lost after ${Math.round(ms)} ms`)
      assert.match(err.message, /link lost: no heartbeat/)
      await waitFor('the machine to be destroyed', () => machines.running === 0, 5_000)
      assert.equal((await pool.call(environment, null)).ipc, false)
    })
    assert.equal(machines.running, 0, 'shutdown left a machine')
  })

  it('a runner whose parent is killed -9 disposes its resources and exits within 10 s', async () => {
    const marker = join(dir, `${randomUUID()}.log`)
    const gone = await killParentAndAwaitRunner(['net-parent-fixture.ts', nats.url, marker], 12_000)
    assert.ok(gone < 10_000, `runner took ${Math.round(gone)} ms to go`)
    assert.match(readFileSync(marker, 'utf8'), /created .*\ndisposed /)
  })

  function runnerWith(record: ParentInfo, extra: Record<string, string> = {}) {
    const child = spawn(process.execPath, runnerArgs, {
      env: { PATH: process.env.PATH ?? '', [PARENT_ENV]: Parent.encode(record), ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    const exited = new Promise<{ code: number | null; ms: number; stderr: string }>((resolve) => {
      const t0 = performance.now()
      child.once('exit', (code) => resolve({ code, ms: performance.now() - t0, stderr }))
    })
    return { child, exited }
  }

  function record(runnerId: string, overrides: Partial<ParentInfo> = {}): ParentInfo {
    return {
      v: PROTOCOL_VERSION,
      parentId: PARENT_ID,
      runnerId,
      pool: 'bare',
      backend: 'test',
      heartbeatMs: 200,
      parentTimeoutMs: 1_000,
      failsafeMs: 1_500,
      ...overrides,
    }
  }

  it('a runner that cannot reach its parent exits after the failsafe time', async () => {
    const expected = link.expect(record('lonely-1'))
    const parent = Parent.decode(expected.env[PARENT_ENV]!)
    // a parent id nobody listens on: NATS is up, the parent never answers
    const { exited } = runnerWith({ ...parent, parentId: 'nobody-0-0' })
    const { code, ms, stderr } = await exited
    expected.cancel(new Error('test over'))
    assert.equal(code, 0)
    assert.match(stderr, /failsafe/)
    assert.ok(ms >= 1_400 && ms < 6_000, `exited after ${Math.round(ms)} ms`)
  })

  it('refuses a runner with the wrong token, and the runner exits with 1', async () => {
    const expected = link.expect(record('impostor-1'))
    const parent = Parent.decode(expected.env[PARENT_ENV]!)
    const { exited } = runnerWith({ ...parent, link: { ...parent.link!, token: 'x'.repeat(32) } })
    const { code, stderr } = await exited
    expected.cancel(new Error('test over'))
    assert.equal(code, 1)
    assert.match(stderr, /refused this runner: wrong token/)
  })

  it('a runner given a record of another protocol version exits with 1 and says why', async () => {
    // a "newer" parent's record; nobody serves that parent id, so the runner cannot tell it
    const { exited } = runnerWith(
      record('old-1', {
        v: PROTOCOL_VERSION + 1,
        parentId: 'newer-0-0',
        link: {
          kind: 'nats',
          servers: [nats.url],
          token: 't'.repeat(32),
          subjectPrefix: 'flame',
        },
      }),
    )
    const { code, stderr } = await exited
    assert.equal(code, 1)
    assert.match(
      stderr,
      new RegExp(`protocol v${PROTOCOL_VERSION + 1}, but this runner speaks v${PROTOCOL_VERSION}`),
    )
  })

  it('fails the boot at once, clearly, when a runner of another protocol version dials in', async () => {
    const expected = link.expect(record('old-2'))
    const parent = Parent.decode(expected.env[PARENT_ENV]!)
    // the runner's side of the link, announcing an older version, over the real NATS
    const channel = natsParentChannel({ ...parent, link: parent.link! }, { version: PROTOCOL_VERSION - 1 })
    await assert.rejects(
      expected.connection,
      new RegExp(`runner old-2 speaks protocol v${PROTOCOL_VERSION - 1}, its parent v${PROTOCOL_VERSION}`),
    )
    await waitFor('the runner to hear why', () => channel.refused !== undefined, 5_000)
    assert.match(channel.refused ?? '', /speaks protocol/)
    await channel.close(1, 'test over')
  })

  it('answers isParentAlive for itself and says false for a parent nobody serves', async () => {
    assert.equal(await link.isParentAlive(PARENT_ID), true)
    assert.equal(await link.isParentAlive('gone-1-abcd'), false)
  })
})
