/**
 * What a backend's own tests share beyond the conformance suite: killing a runner by its
 * pid, asking whether a pid is alive, a pool that is shut down however the test ends, and
 * the "parent killed -9" scenario — a parent fixture process that starts one runner, is
 * killed, and whose runner must then go by itself.
 *
 *   conformance({ name: 'process', backend: () => fixtureBackend(), kill: killRunnerProcess })
 *   it('runs tasks in a separate process', () =>
 *     withPool({ name: 'pid', backend: fixtureBackend() }, async (pool) => {   // max 1, quiet
 *       assert.notEqual((await pool.call(whoami, null)).pid, process.pid)
 *     }))
 *   const ms = await killParentAndAwaitRunner(['parent-fixture.ts', marker], 8_000)
 *   assert.ok(ms < 4_000)
 */

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Pool, type PoolOptions } from '../pool.ts'
import { tsxLoader } from './backends.ts'
import type { ConformanceTarget } from './conformance.ts'
import { waitFor } from './harness.ts'

/** The conformance suite's `kill` for backends whose runners are processes on this machine. */
export const killRunnerProcess: ConformanceTarget['kill'] = (_backend, pool, runnerId) => {
  const pid = pool.stats().runnerDetails.find((r) => r.id === runnerId)?.pid
  if (!pid) throw new Error(`no pid for ${runnerId}`)
  process.kill(pid, 'SIGKILL')
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A pool (max 1, no log unless `options` say otherwise) for `use`, shut down after it however it ends. */
export async function withPool<T>(
  options: Partial<PoolOptions> & Pick<PoolOptions, 'name' | 'backend'>,
  use: (pool: Pool) => Promise<T>,
): Promise<T> {
  const pool = new Pool({ max: 1, log: false, ...options })
  try {
    return await use(pool)
  } finally {
    await pool.shutdown()
  }
}

/**
 * Starts a parent fixture (a file of this folder, then its arguments), which prints
 * `{"runnerPid", "parentPid"}` once its runner is up; kills that parent with SIGKILL and
 * waits up to `timeoutMs` for the runner to exit. Resolves with how long it took (ms).
 */
export async function killParentAndAwaitRunner(
  [fixture, ...args]: [string, ...string[]],
  timeoutMs: number,
): Promise<number> {
  const path = fileURLToPath(new URL(`./${fixture}`, import.meta.url))
  const parent = spawn(process.execPath, ['--import', tsxLoader, path, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    parent.stdout.on('data', (d: Buffer) => {
      out += d
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '')
    })
    parent.once('exit', (code) => reject(new Error(`parent fixture exited early (${code})`)))
  })
  const { runnerPid, parentPid } = parsePids(line)
  if (!alive(runnerPid)) throw new Error(`the runner ${runnerPid} of ${fixture} is not alive`)
  const t0 = performance.now()
  process.kill(parentPid, 'SIGKILL')
  await waitFor('the orphaned runner to exit', () => !alive(runnerPid), timeoutMs)
  return performance.now() - t0
}

function parsePids(line: string): { runnerPid: number; parentPid: number } {
  const value: unknown = JSON.parse(line)
  if (typeof value === 'object' && value !== null && 'runnerPid' in value && 'parentPid' in value) {
    const { runnerPid, parentPid } = value
    if (typeof runnerPid === 'number' && typeof parentPid === 'number') return { runnerPid, parentPid }
  }
  throw new Error(`a parent fixture printed ${line}, not {"runnerPid", "parentPid"}`)
}
