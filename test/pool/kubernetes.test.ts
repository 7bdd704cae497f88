/**
 * The product on Kubernetes, on one computer: `wps serve` with
 * `WPS_POOL_BACKEND=kubernetes` inside a "pod" of a fake API server (the pods wire format
 * over HTTPS, its own CA and service-account files) whose node pod is the one in
 * `deploy/kubernetes/wps.yaml`. Each runner is a pod cloned from it, run by the fake as
 * `node bin/wps.mjs runner` in the app root with only the pod's env, dialling back over a
 * real nats-server; real Chromium measures the fixture site.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PARENT_ENV, parsePodLike } from '@world-page-speed/flame'
import { FakeKubernetes } from '@world-page-speed/flame/testing'
import { parseAllDocuments } from 'yaml'
import { runnerArgs } from '../../src/cli/runner-command.ts'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS } from '../fixtures/site.ts'
import { runTest, waitUntil } from '../support/api.ts'
import {
  measureColdThenHot,
  networkBackendWorld,
  serveForTest,
  stopLeavingNoRunner,
} from '../support/network-backend.ts'
import { readEvents } from '../support/sse.ts'
import { startWpsServer } from '../support/wps-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const NODE_POD = 'wps-7d9f-abcde'

type Doc = { kind?: string; metadata?: { name?: string }; [key: string]: unknown }

function manifests(file: string): Doc[] {
  const text = readFileSync(new URL(`../../deploy/kubernetes/${file}`, import.meta.url), 'utf8')
  return parseAllDocuments(text).map((d) => d.toJSON() as Doc)
}

function deployment(): { template: { metadata: { labels: Record<string, string> }; spec: unknown } } {
  const d = manifests('wps.yaml').find((m) => m.kind === 'Deployment')
  assert.ok(d, 'wps.yaml has a Deployment')
  return d.spec as { template: { metadata: { labels: Record<string, string> }; spec: unknown } }
}

describe('deploy/kubernetes manifests', () => {
  it('give the node’s service account exactly the pod verbs the backend uses', () => {
    const docs = manifests('rbac.yaml')
    const role = docs.find((d) => d.kind === 'Role') as { rules: { resources: string[]; verbs: string[] }[] }
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
    ])
    const binding = docs.find((d) => d.kind === 'RoleBinding') as {
      subjects: { kind: string; name: string }[]
      roleRef: { name: string }
    }
    const account = docs.find((d) => d.kind === 'ServiceAccount')
    assert.equal(binding.subjects[0]?.name, account?.metadata?.name)
    assert.equal(binding.roleRef.name, docs.find((d) => d.kind === 'Role')?.metadata?.name)
    const spec = deployment().template.spec as { serviceAccountName: string }
    assert.equal(spec.serviceAccountName, account?.metadata?.name)
  })

  it('hand the node its pod name and namespace through the downward API, and NATS through a Service', () => {
    const pod = parsePodLike({ metadata: { name: NODE_POD }, spec: deployment().template.spec })
    const env = pod.spec.containers[0]?.env ?? []
    const field = (name: string) => env.find((e) => e.name === name)?.valueFrom?.fieldRef?.fieldPath
    assert.equal(field('POD_NAME'), 'metadata.name')
    assert.equal(field('POD_NAMESPACE'), 'metadata.namespace')
    assert.equal(env.find((e) => e.name === 'WPS_POOL_BACKEND')?.value, 'kubernetes')
    const service = manifests('nats.yaml').find((d) => d.kind === 'Service')
    assert.equal(env.find((e) => e.name === 'NATS_URL')?.value, `nats://${service?.metadata?.name}:4222`)
  })
})

describe('runners as Kubernetes pods', () => {
  let k8s: FakeKubernetes
  const world = networkBackendWorld({
    start: async () => {
      k8s = await FakeKubernetes.start({ root: ROOT, namespace: 'speed' })
      const template = deployment().template
      k8s.addPod(
        parsePodLike({ metadata: { name: NODE_POD, labels: template.metadata.labels }, spec: template.spec }),
      )
    },
    stop: async () => {
      await k8s?.close()
    },
  })

  const runnerPods = () => k8s.podsLabelled('app.kubernetes.io/managed-by', 'flame')
  const nodeEnv = (extra: Record<string, string> = {}) => ({
    ...k8s.env,
    WPS_POOL_BACKEND: 'kubernetes',
    POD_NAME: NODE_POD,
    POD_NAMESPACE: 'speed',
    NATS_URL: world.nats.url,
    WPS_REGION: 'fra',
    WPS_ALLOW_PRIVATE: '1',
    WPS_K8S_RUNNER_CPU: '2',
    WPS_K8S_RUNNER_MEMORY: '2Gi',
    ...extra,
  })
  const serve = (extra: Record<string, string> = {}) => startWpsServer(nodeEnv(extra))

  it('measures a page through a runner pod, cold then hot, and leaves no pod behind', async (t) => {
    const server = await serveForTest(t, nodeEnv())
    await measureColdThenHot(server, world.site)
    const pods = runnerPods()
    assert.equal(pods.length, 1, 'one runner pod, reused')
    const pod = pods[0]!
    const container = pod.spec.containers[0]!
    assert.deepEqual(container.command, ['node', ...runnerArgs('bin/wps.mjs')])
    assert.equal(container.image, 'registry.example.com/world-page-speed:latest')
    assert.deepEqual(container.resources, {
      requests: { cpu: '2', memory: '2Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    })
    assert.equal(pod.spec.restartPolicy, 'Never')
    assert.equal(pod.metadata.ownerReferences?.[0]?.name, NODE_POD)
    const env = new Map((container.env ?? []).map((e) => [e.name, e.value]))
    assert.ok(env.get(PARENT_ENV))
    assert.equal(env.get('NATS_URL'), world.nats.url, 'the runner dials the node’s NATS, not the manifest’s')
    assert.equal(env.get('WPS_REGION'), 'fra')
    await stopLeavingNoRunner(
      server,
      k8s.pidOf(pod.metadata.name),
      () => runnerPods().length === 0,
      'the runner pod to be deleted',
    )
  })

  it('deletes the runner pod when it idles away', async (t) => {
    const server = await serveForTest(t, nodeEnv({ WPS_POOL_IDLE_SHUTDOWN_MS: '500' }))
    const test = (
      await runTest(server.url, { url: `${world.site.url}${FACTS.rich.path}` }, { timeoutMs: 60_000 })
    ).test
    assert.equal(test.results[0]?.status, 'complete', JSON.stringify(test.results[0]?.error))
    await waitUntil(async () => runnerPods().length === 0, 15_000, 'the idle runner pod to be deleted')
    assert.ok(k8s.requests.some((r) => r.method === 'DELETE' && r.path.includes(`${NODE_POD}-browser-1-`)))
  })

  it('turns a runner pod killed -9 mid-measurement into runner_lost within 5 s, then serves the next test', async (t) => {
    const server = await serveForTest(t, nodeEnv())
    const response = await fetch(`${server.url}/api/tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${world.site.url}${FACTS.ttfb.path}?ms=15000` }),
    })
    assert.equal(response.status, 201)
    const { links } = (await response.json()) as { links: { events: string } }
    await readEvents(
      `${server.url}${links.events}`,
      (e) => (e.data as RegionResult).status === 'loading',
      60_000,
    )
    const [pod] = runnerPods()
    assert.ok(pod, 'a runner pod is measuring')
    const t0 = performance.now()
    k8s.crash(pod.metadata.name)
    const events = await readEvents(`${server.url}${links.events}`, (e) => e.event === 'done', 20_000)
    const ms = performance.now() - t0
    const done = events.at(-1)?.data as SpeedTest
    assert.equal(done.results[0]?.error?.code, 'runner_lost')
    assert.ok(ms < 5_000, `runner_lost after ${Math.round(ms)} ms`)
    await waitUntil(
      async () => k8s.pod(pod.metadata.name) === undefined,
      5_000,
      'the dead runner’s pod to go',
    )
    const next = await runTest(
      server.url,
      { url: `${world.site.url}${FACTS.rich.path}` },
      { timeoutMs: 60_000 },
    )
    assert.equal(next.test.results[0]?.status, 'complete', JSON.stringify(next.test.results[0]?.error))
    assert.equal(next.test.results[0]?.cold, true, 'a new runner pod was booted for it')
  })

  it('kill -9 of the node: its runner pod exits within 10 s, and the node restarted in that pod deletes it', async (t) => {
    const first = await serve()
    t.after(async () => {
      await first.stop()
    })
    const url = `${world.site.url}${FACTS.rich.path}`
    const before = (await runTest(first.url, { url }, { timeoutMs: 60_000 })).test
    assert.equal(before.results[0]?.status, 'complete', JSON.stringify(before.results[0]?.error))
    const [pod] = runnerPods()
    assert.ok(pod && k8s.pidOf(pod.metadata.name), 'a runner pod is running')
    const t0 = performance.now()
    first.child.kill('SIGKILL')
    await waitUntil(
      async () => k8s.pidOf(pod.metadata.name) === undefined,
      12_000,
      'the orphaned runner to exit',
    )
    const ms = performance.now() - t0
    assert.ok(ms < 10_000, `the runner took ${Math.round(ms)} ms to go`)
    assert.equal(k8s.pod(pod.metadata.name)?.status?.phase, 'Succeeded', 'it disposed its browser and exited')
    // the container restarts: same pod, a new node process, which cleans up before booting
    const second = await serve()
    t.after(async () => {
      const { leftovers } = await second.stop()
      assert.deepEqual(leftovers, [])
    })
    const after = (await runTest(second.url, { url }, { timeoutMs: 60_000 })).test
    assert.equal(after.results[0]?.status, 'complete', JSON.stringify(after.results[0]?.error))
    assert.equal(k8s.pod(pod.metadata.name), undefined, 'the previous life’s runner pod is deleted')
    assert.equal(runnerPods().length, 1, 'only the new node’s runner is left')
  })

  it('refuses to start without POD_NAME, naming it', async () => {
    const server = await serve({ POD_NAME: '' }).catch((err: unknown) => err)
    assert.ok(server instanceof Error, 'the server did not start')
    assert.match(server.message, /POD_NAME/)
  })
})
