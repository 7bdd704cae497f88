/**
 * Runners as Kubernetes pods (issue 12): the cold start of a runner booted through the
 * pods API — here the fake API server, which runs the pod's command as a process group
 * with only the pod's env — split into create request answered → runner ready → task
 * running, and the hot call over the NATS link (p50/p99), beside the process backend
 * (IPC child) with the same runner program, so the difference is the API and the link.
 * A real nats-server carries the link. Then the same for the real `wps runner`
 * measuring a page: empty pool → task running (target ≤ 0.5 s) → first page loaded.
 * Returns what it prints, by table: `coldStart.kubernetes.runningMs`,
 * `coldStart.kubernetesMinusProcessMs`, `wpsRunner.kubernetes.loadedMs`, `hotCall.kubernetes.p99Ms`,
 * … (the "empty pool → task running" line is `wpsRunner.kubernetes.readyMs`).
 */
import { KubernetesBackend, NatsLink, Pool } from '@world-page-speed/flame'
import { FakeKubernetes, fixtureBackend, hotCallTimes, runnerArgs } from '@world-page-speed/flame/testing'
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

export interface KubernetesFigures {
  coldStart: { kubernetes: ColdFigures; process: ColdFigures; kubernetesMinusProcessMs: number }
  wpsRunner: { kubernetes: ColdFigures }
  hotCall: { kubernetes: { p50Ms: number; p99Ms: number } }
}

export async function benchKubernetes(runs = 5): Promise<KubernetesFigures> {
  const nats = await startNatsServer()
  const k8s = await FakeKubernetes.start({ root: process.cwd(), namespace: 'bench' })
  const link = await NatsLink.listen({ servers: nats.url })
  const site = await startFixtureSite()
  k8s.addPod({
    metadata: { name: 'wps-bench-0' },
    spec: { containers: [{ name: 'wps', image: 'wps:bench', command: ['node', 'bin/wps.mjs', 'serve'] }] },
  })
  const backend = (command: string[], env: Record<string, string> = {}) =>
    new KubernetesBackend({
      link,
      command,
      env,
      environment: { ...k8s.env, POD_NAME: 'wps-bench-0' },
      sweepInterval: 0,
      log: () => {},
    })
  const fixtureCmd = [process.execPath, ...runnerArgs]
  // the real runner, as a node's KubernetesBackend starts it (no machine budget: the bench's loads never overlap)
  const wpsEnv: Record<string, string> = { WPS_MACHINE_BUDGET: '0' }
  if (process.env.CHROME_PATH) wpsEnv.CHROME_PATH = process.env.CHROME_PATH
  try {
    const lastCreate = () => k8s.requests.filter((r) => r.method === 'POST' && r.status === 201).at(-1)?.at
    const pods = await coldRuns(
      () => new Pool({ name: 'cold-k8s', backend: backend(fixtureCmd), max: 1, log: false }),
      runs,
      { createdAt: lastCreate },
    )
    const proc = await coldRuns(
      () => new Pool({ name: 'cold-proc', backend: fixtureBackend(), max: 1, log: false }),
      runs,
    )
    console.log(
      `\n## Runner cold start as a pod, median of ${runs} (runner: node + tsx + flame; target: pod via the fake API ≤ process + 300 ms)`,
    )
    coldHeader()
    const podCold = coldLine('kubernetes (fake pods API + NATS)', pods)
    const procCold = coldLine('process (child + IPC)', proc)
    const extra = medianOf(pods, (r) => r.running) - medianOf(proc, (r) => r.running)
    console.log(
      `kubernetes − process                 ${fmt(extra)} (${extra <= 300 ? 'within' : 'OVER'} target)`,
    )

    const wpsPods = await coldRuns(
      () =>
        new Pool({
          name: 'cold-k8s-wps',
          backend: backend([process.execPath, WPS_BIN, 'runner'], wpsEnv),
          max: 1,
          log: false,
        }),
      runs,
      { createdAt: lastCreate, call: wpsRunnerCall(`${site.url}${FACTS.rich.path}`) },
    )
    console.log(`\n## Cold start of the real \`wps runner\` as a pod measuring /rich, median of ${runs}`)
    coldHeader('loaded')
    const podWps = coldLine('kubernetes: wps runner (fake API)', wpsPods, 'done')
    console.log(`kubernetes: empty pool → task running ${versus(podWps.readyMs, 500)}`)

    console.log('\n## Hot call of an empty task on a warm runner pod (target: NATS p99 ≤ 10 ms)')
    const podHot = hotLine('kubernetes runner over NATS', await hotCallTimes(backend(fixtureCmd), 500), 10)
    return {
      coldStart: { kubernetes: podCold, process: procCold, kubernetesMinusProcessMs: extra },
      wpsRunner: { kubernetes: podWps },
      hotCall: { kubernetes: podHot },
    }
  } finally {
    await site.close()
    await link.close()
    await k8s.close()
    await nats.stop()
  }
}
