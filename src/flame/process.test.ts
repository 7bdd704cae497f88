import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Parent, type ParentInfo, PROTOCOL_VERSION } from './parent.ts'
import { defineTask } from './task.ts'
import { killParentAndAwaitRunner, killRunnerProcess, withPool } from './testing/backend-tests.ts'
import { fixtureBackend, runnerFixture, tsxLoader } from './testing/backends.ts'
import { conformance } from './testing/conformance.ts'
import { waitFor } from './testing/harness.ts'
import { raisePriority, sleep, useResource, whoami } from './testing/tasks.ts'

conformance({
  name: 'process',
  backend: () => fixtureBackend(),
  kill: killRunnerProcess,
})

/** Registered in this process only: the runner fixture does not import it. */
const parentOnly = defineTask('flame-test.parentOnly', async () => 'never runs on a runner')

describe('ProcessBackend runners never outlive their purpose', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flame-proc-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('runs tasks in a separate process', () =>
    withPool({ name: 'pid', backend: fixtureBackend() }, async (pool) => {
      const who = await pool.call(whoami, null)
      assert.notEqual(who.pid, process.pid)
      assert.equal(pool.stats().runnerDetails[0]?.pid, who.pid)
    }))

  it('runs the runner at the niceness it was given, above its parent’s', () =>
    withPool({ name: 'nice', backend: fixtureBackend({ nice: 7 }) }, async (pool) => {
      const niceOf = (pid: number): number => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
      }
      const who = await pool.call(whoami, null)
      assert.equal(niceOf(who.pid), niceOf(process.pid) + 7)
      // and cannot take it back, even when the parent is root (whose child could otherwise)
      const tried = await pool.call(raisePriority, null)
      assert.deepEqual(tried, { before: niceOf(process.pid) + 7, after: niceOf(process.pid) + 7 })
    }))

  it('rejects a task the runner does not know with unknown_task', () =>
    withPool({ name: 'unknown', backend: fixtureBackend() }, async (pool) => {
      await assert.rejects(pool.call(parentOnly, null), { code: 'unknown_task' })
      assert.equal((await pool.call(whoami, null)).runnerId, 'unknown-1')
    }))

  it('SIGKILL of the parent leaves no runner behind, and the runner disposes its resources', async () => {
    const marker = join(dir, `${randomUUID()}.log`)
    const gone = await killParentAndAwaitRunner(['parent-fixture.ts', marker], 8_000)
    assert.ok(gone < 4_000, `runner took ${Math.round(gone)} ms to go`)
    assert.match(readFileSync(marker, 'utf8'), /created .*\ndisposed /)
  })

  it('SIGTERM makes a runner dispose its resources and exit; its calls get runner_lost', async () => {
    const marker = join(dir, `${randomUUID()}.log`)
    await withPool({ name: 'term', backend: fixtureBackend(), maxConcurrency: 2 }, async (pool) => {
      const r = await pool.call(useResource, { marker })
      let started!: () => void
      const running = new Promise<void>((resolve) => {
        started = resolve
      })
      const call = pool.call(sleep, { ms: 10_000 }, { onMessage: () => started() })
      await running
      process.kill(r.pid, 'SIGTERM')
      await assert.rejects(call, { code: 'runner_lost' })
      await waitFor('the disposer to run', () => readFileSync(marker, 'utf8').includes('disposed'))
      await waitFor('the pool to see the runner go', () => pool.stats().runnerDeaths === 1)
    })
  })

  function spawnBareRunner(info: Partial<ParentInfo>) {
    const parent: ParentInfo = {
      v: PROTOCOL_VERSION,
      parentId: 'test-parent',
      runnerId: 'bare-1',
      pool: 'bare',
      backend: 'test',
      heartbeatMs: 100,
      parentTimeoutMs: 300,
      failsafeMs: 300,
      ...info,
    }
    return spawn(process.execPath, ['--import', tsxLoader, runnerFixture], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, FLAME_PARENT: Parent.encode(parent) },
    })
  }

  it('exits when it hears nothing from the parent within the failsafe time', async () => {
    const child = spawnBareRunner({ failsafeMs: 300 })
    let stderr = ''
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    const code = await new Promise((resolve) => child.once('exit', resolve))
    assert.equal(code, 0)
    assert.match(stderr, /failsafe/)
  })

  it('exits when heartbeats stop', async () => {
    const child = spawnBareRunner({ failsafeMs: 10_000, parentTimeoutMs: 300 })
    let stderr = ''
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    let t0 = 0
    child.once('message', () => {
      child.send({ t: 'ping' }) // answer 'ready' once, then go silent
      t0 = performance.now()
    })
    const code = await new Promise((resolve) => child.once('exit', resolve))
    assert.equal(code, 0)
    assert.match(stderr, /no heartbeat from the parent/)
    assert.ok(
      performance.now() - t0 < 5_000,
      `exited ${Math.round(performance.now() - t0)} ms after the last ping`,
    )
  })
})
