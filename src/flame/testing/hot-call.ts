/**
 * The round trip of an empty task on a warm runner: what a `pool.call` costs on top of
 * the work itself. Used by `measure.ts` and by the app's benchmarks.
 *
 *   const times = await hotCallTimes(new LocalBackend(), 200)   // ms per call
 */
import type { Backend } from '../backend.ts'
import { Pool } from '../pool.ts'
import { noop } from './tasks.ts'

export async function hotCallTimes(backend: Backend, calls: number, warmup = 50): Promise<number[]> {
  const pool = new Pool({ name: 'hot-call', backend, min: 1, max: 1, log: false })
  try {
    await pool.ready()
    for (let i = 0; i < warmup; i++) await pool.call(noop, null)
    const times: number[] = []
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now()
      await pool.call(noop, null)
      times.push(performance.now() - t0)
    }
    return times
  } finally {
    await pool.shutdown()
  }
}
