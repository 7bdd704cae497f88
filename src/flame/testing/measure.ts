/**
 * Prints the figures FLAME's cost is judged by, on this machine:
 *
 *   node --import tsx src/flame/testing/measure.ts [coldRuns=10] [hotCalls=200]
 *
 * - process cold start: from `pool.call` on an empty pool to the task running on a
 *   freshly booted child (tsx-loaded runner fixture), and the runner's boot time;
 * - hot call overhead: round trip of an empty task on a warm runner, for each backend.
 */

import type { Backend } from '../backend.ts'
import { LocalBackend } from '../backends/local.ts'
import { Pool } from '../pool.ts'
import { fixtureBackend } from './backends.ts'
import { hotCallTimes } from './hot-call.ts'
import { sleep } from './tasks.ts'

const coldRuns = Number(process.argv[2] ?? 10)
const hotCalls = Number(process.argv[3] ?? 200)

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!
  return `median ${q(0.5).toFixed(2)} ms, p10 ${q(0.1).toFixed(2)}, p90 ${q(0.9).toFixed(2)}, n=${s.length}`
}

async function coldStart(): Promise<void> {
  const running: number[] = []
  const boots: number[] = []
  for (let i = 0; i < coldRuns; i++) {
    const pool = new Pool({ name: 'cold', backend: fixtureBackend(), max: 1, log: false })
    const t0 = performance.now()
    await pool.call(
      sleep,
      { ms: 0 },
      {
        onPlaced: (p) => boots.push(p.bootMs),
        onMessage: () => running.push(performance.now() - t0),
      },
    )
    await pool.shutdown()
  }
  console.log(`process cold start, call → task running: ${summary(running)}`)
  console.log(`process runner boot (spawn → ready):      ${summary(boots)}`)
}

async function hot(name: string, backend: Backend): Promise<void> {
  console.log(`${name} hot call, empty task: ${summary(await hotCallTimes(backend, hotCalls))}`)
}

void (async () => {
  await coldStart()
  await hot('local', new LocalBackend())
  await hot('process', fixtureBackend())
})()
