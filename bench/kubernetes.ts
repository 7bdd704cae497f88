/**
 * Runners as Kubernetes pods (issue 12): the cold start of a runner booted through the
 * pods API — here the fake API server, which runs the pod's command as a process group
 * with only the pod's env — split into create request answered → runner ready → task
 * running, and the hot call over the NATS link (p50/p99), beside the process backend
 * (IPC child) with the same runner program, so the difference is the API and the link.
 * A real nats-server carries the link.
 */
import { KubernetesBackend, NatsLink, Pool } from '@world-page-speed/flame'
import {
  FakeKubernetes,
  fixtureBackend,
  hotCallTimes,
  runnerArgs,
  sleep,
} from '@world-page-speed/flame/testing'
import { startNatsServer } from '../test/cluster/nats-server.ts'
import { fmt, median, percentile } from './support.ts'

interface ColdRun {
  created: number
  ready: number
  running: number
}

async function coldRuns(makePool: () => Pool, runs: number, createdAt?: () => number | undefined) {
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

export async function benchKubernetes(runs = 5): Promise<void> {
  const nats = await startNatsServer()
  const k8s = await FakeKubernetes.start({ root: process.cwd(), namespace: 'bench' })
  const link = await NatsLink.listen({ servers: nats.url })
  k8s.addPod({
    metadata: { name: 'wps-bench-0' },
    spec: { containers: [{ name: 'wps', image: 'wps:bench', command: ['node', 'bin/wps.mjs', 'serve'] }] },
  })
  const backend = () =>
    new KubernetesBackend({
      link,
      command: [process.execPath, ...runnerArgs],
      environment: { ...k8s.env, POD_NAME: 'wps-bench-0' },
      sweepInterval: 0,
      log: () => {},
    })
  try {
    const lastCreate = () => k8s.requests.filter((r) => r.method === 'POST' && r.status === 201).at(-1)?.at
    const pods = await coldRuns(
      () => new Pool({ name: 'cold-k8s', backend: backend(), max: 1, log: false }),
      runs,
      lastCreate,
    )
    const proc = await coldRuns(
      () => new Pool({ name: 'cold-proc', backend: fixtureBackend(), max: 1, log: false }),
      runs,
    )
    console.log(
      `\n## Runner cold start as a pod, median of ${runs} (runner: node + tsx + flame; target: pod via the fake API ≤ process + 300 ms)`,
    )
    console.log(`${''.padEnd(34)} ${'created'.padStart(9)}  ${'ready'.padStart(9)}  ${'running'.padStart(9)}`)
    coldLine('kubernetes (fake pods API + NATS)', pods)
    coldLine('process (child + IPC)', proc)
    const extra = median(pods.map((r) => r.running)) - median(proc.map((r) => r.running))
    console.log(
      `kubernetes − process              ${fmt(extra)} (${extra <= 300 ? 'within' : 'OVER'} target)`,
    )
    console.log('\n## Hot call of an empty task on a warm runner pod (target: NATS p99 ≤ 10 ms)')
    const overNats = await hotCallTimes(backend(), 500)
    console.log(
      `${'kubernetes runner over NATS'.padEnd(34)} p50 ${percentile(overNats, 50).toFixed(2)} ms, p99 ${percentile(overNats, 99).toFixed(2)} ms (${percentile(overNats, 99) <= 10 ? 'within' : 'OVER'} target)`,
    )
  } finally {
    await link.close()
    await k8s.close()
    await nats.stop()
  }
}
