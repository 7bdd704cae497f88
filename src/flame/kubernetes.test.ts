/**
 * The Kubernetes backend against a fake API server (pods wire format over HTTPS, pods
 * run as process groups with only their env) and a real nats-server: the conformance
 * suite, then what only this backend must get right — pods cloned from the node's pod,
 * deleted when they idle away, die, never connect or are orphaned.
 */
import assert from 'node:assert/strict'
import { dirname } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { KubernetesBackend, type KubernetesBackendOptions } from './backends/kubernetes.ts'
import { KubernetesApi } from './backends/kubernetes-api.ts'
import { inClusterCredentials } from './backends/kubernetes-credentials.ts'
import { runnerAnnotations, runnerLabels } from './backends/kubernetes-runner-pod.ts'
import { NatsLink } from './nats-link.ts'
import { PARENT_ENV, PARENT_ID, Parent } from './parent.ts'
import { Pool } from './pool.ts'
import { alive } from './testing/backend-tests.ts'
import { runnerFixture, tsxLoader } from './testing/backends.ts'
import { conformance } from './testing/conformance.ts'
import { FakeKubernetes } from './testing/fake-kubernetes.ts'
import { rejectsWith, startCall, waitFor } from './testing/harness.ts'
import { startNats } from './testing/nats-server.ts'
import { environment, sleep, whoami } from './testing/tasks.ts'

const root = dirname(fileURLToPath(import.meta.url))
const nats = await startNats()
const link = await NatsLink.listen({ servers: nats.url })
const k8s = await FakeKubernetes.start({ root, namespace: 'speed' })
const api = new KubernetesApi(inClusterCredentials(k8s.env))
const NODE_POD = 'wps-node-0'
const nodePod = k8s.addPod({
  metadata: { name: NODE_POD, labels: { app: 'wps' } },
  spec: {
    serviceAccountName: 'wps',
    containers: [
      {
        name: 'app',
        image: 'flame-test:1',
        command: ['node', 'serve.js'],
        ports: [{ containerPort: 4000 }],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      },
    ],
  },
})
const environmentOfNode = { ...k8s.env, POD_NAME: NODE_POD, POD_NAMESPACE: 'speed' }
const runnerCommand = [process.execPath, '--import', tsxLoader, runnerFixture]
const backends: KubernetesBackend[] = []

function k8sBackend(options: Partial<KubernetesBackendOptions> = {}): KubernetesBackend {
  const backend = new KubernetesBackend({
    link,
    command: runnerCommand,
    environment: environmentOfNode,
    bootPollInterval: 200,
    log: () => {},
    ...options,
  })
  backends.push(backend)
  return backend
}

function runnerPods() {
  return k8s.podsLabelled('app.kubernetes.io/managed-by', 'flame')
}

function podOf(runnerId: string) {
  const pod = runnerPods().find((p) => p.metadata.labels?.['flame/runner-id'] === runnerId)
  if (!pod) throw new Error(`no pod for runner ${runnerId}`)
  return pod
}

after(async () => {
  await Promise.all(backends.map((b) => b.drain()))
  await link.close()
  await k8s.close()
  await nats.stop()
})

conformance({
  name: 'kubernetes (fake API, NATS)',
  backend: () => k8sBackend(),
  kill: (_backend, _pool, runnerId) => k8s.crash(podOf(runnerId).metadata.name),
})

describe('KubernetesBackend', () => {
  it('runs a call in a pod cloned from the node pod, cold then hot, with only the pod env', async () => {
    const pool = new Pool({ name: 'clone', backend: k8sBackend(), max: 1, log: false })
    try {
      const placements: boolean[] = []
      const seen = await pool.call(environment, null, { onPlaced: (p) => placements.push(p.cold) })
      const again = await pool.call(whoami, null, { onPlaced: (p) => placements.push(p.cold) })
      assert.deepEqual(placements, [true, false])
      assert.equal(again.pid, seen.pid, 'the hot call ran on the same runner')
      const pod = podOf('clone-1')
      assert.equal(k8s.pidOf(pod.metadata.name), seen.pid, 'the task ran in the pod’s process')
      assert.equal(seen.ipc, false)
      assert.deepEqual(seen.env, [PARENT_ENV, 'HOME', 'PATH', 'POD_NAME', 'TMPDIR'])
      assert.deepEqual(pod.metadata.ownerReferences, [
        { apiVersion: 'v1', kind: 'Pod', name: NODE_POD, uid: nodePod.metadata.uid },
      ])
      assert.equal(pod.spec.restartPolicy, 'Never')
      assert.equal(pod.spec.serviceAccountName, 'wps')
      const container = pod.spec.containers[0]!
      assert.equal(container.image, 'flame-test:1')
      assert.deepEqual(container.command, runnerCommand)
      assert.equal(container.ports, undefined)
      assert.equal(pod.metadata.labels?.app, undefined, 'no node labels on a runner')
      assert.equal(pod.metadata.labels?.['flame/parent-pod'], NODE_POD)
      assert.equal(pod.metadata.annotations?.['flame/parent-id'], PARENT_ID)
      const fp = container.env?.find((e) => e.name === PARENT_ENV)?.value
      const record = Parent.decode(fp ?? '')
      assert.equal(record.runnerId, 'clone-1')
      assert.equal(record.link?.kind, 'nats')
      assert.equal(record.backend, 'kubernetes')
    } finally {
      await pool.shutdown()
    }
    assert.deepEqual(runnerPods(), [], 'shutdown deletes every runner pod')
  })

  it('deletes the pod of a runner that idles away', async () => {
    const pool = new Pool({ name: 'idle', backend: k8sBackend(), max: 1, idleShutdownAfter: 300, log: false })
    try {
      await pool.call(whoami, null)
      const name = podOf('idle-1').metadata.name
      await waitFor('the idle runner’s pod to be deleted', () => k8s.pod(name) === undefined, 10_000)
      assert.equal(pool.stats().runners, 0)
      assert.ok(k8s.requests.some((r) => r.method === 'DELETE' && r.path.includes(name)))
    } finally {
      await pool.shutdown()
    }
  })

  it('kill -9 of a runner pod: runner_lost within 5 s, pod deleted, the next call works', async () => {
    const pool = new Pool({ name: 'crash', backend: k8sBackend(), max: 1, log: false })
    try {
      const call = startCall(pool, sleep, { ms: 30_000 })
      await call.started
      const name = podOf('crash-1').metadata.name
      const t0 = performance.now()
      k8s.crash(name)
      await rejectsWith(call.result, 'runner_lost')
      const ms = performance.now() - t0
      assert.ok(ms < 5_000, `runner_lost after ${Math.round(ms)} ms`)
      await waitFor('the dead runner’s pod to be deleted', () => k8s.pod(name) === undefined, 5_000)
      const next = await pool.call(whoami, null)
      assert.equal(next.runnerId, 'crash-2')
    } finally {
      await pool.shutdown()
    }
  })

  it('deletes a pod that never connects when the boot times out', async () => {
    const sleeper = [process.execPath, '-e', 'setInterval(() => {}, 1000)']
    const logs: string[] = []
    const pool = new Pool({
      name: 'mute',
      backend: k8sBackend({ command: sleeper }),
      max: 1,
      bootTimeout: 1_500,
      log: (line) => logs.push(line),
    })
    try {
      await rejectsWith(pool.call(whoami, null, { timeout: 2_500 }), 'timeout')
      const created = k8s.requests.filter((r) => r.method === 'POST').length
      assert.ok(created >= 1)
      await pool.shutdown()
      await waitFor('every mute pod to be deleted', () => runnerPods().length === 0, 5_000)
      assert.match(logs.join('\n'), /not ready within 1500 ms/)
    } finally {
      await pool.shutdown()
    }
  })

  it('fails the boot at once when the pod exits before its runner connects', async () => {
    const logs: string[] = []
    const pool = new Pool({
      name: 'crashloop',
      backend: k8sBackend({ command: [process.execPath, '-e', 'process.exit(3)'] }),
      max: 1,
      bootTimeout: 20_000,
      log: (line) => logs.push(line),
    })
    try {
      const t0 = performance.now()
      const call = pool.call(whoami, null, { timeout: 15_000 })
      call.catch(() => {})
      await waitFor(
        'a boot failure',
        () => logs.some((l) => l.includes('before its runner connected')),
        10_000,
      )
      const ms = performance.now() - t0
      assert.ok(ms < 10_000, `the boot failed after ${Math.round(ms)} ms, not at the 20 s boot timeout`)
      assert.match(
        logs.join('\n'),
        /runner pod wps-node-0-crashloop-1-[0-9a-f]{5} failed before its runner connected/,
      )
    } finally {
      await pool.shutdown()
    }
    await waitFor('the failed pods to be deleted', () => runnerPods().length === 0, 5_000)
  })

  it('deletes the runner pods of a dead parent process before its first boot, and leaves a live one’s', async () => {
    const orphanWho = {
      parentPod: NODE_POD,
      parentId: 'wps-node-0-1-deadbeef',
      pool: 'browser',
      runnerId: 'browser-1',
    }
    const liveWho = { parentPod: NODE_POD, parentId: PARENT_ID, pool: 'other', runnerId: 'other-1' }
    const spec = (name: string) => ({
      metadata: {
        name,
        labels: runnerLabels(name === 'orphan-1' ? orphanWho : liveWho),
        annotations: runnerAnnotations(name === 'orphan-1' ? orphanWho : liveWho),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: NODE_POD, uid: nodePod.metadata.uid }],
      },
      spec: {
        restartPolicy: 'Never' as const,
        containers: [
          {
            name: 'app',
            image: 'flame-test:1',
            command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
          },
        ],
      },
    })
    await api.createPod(spec('orphan-1'))
    await api.createPod(spec('sibling-1'))
    await waitFor(
      'both to run',
      () => k8s.pidOf('orphan-1') !== undefined && k8s.pidOf('sibling-1') !== undefined,
    )
    const orphanPid = k8s.pidOf('orphan-1')!
    const pool = new Pool({ name: 'sweep', backend: k8sBackend(), max: 1, log: false })
    try {
      await pool.call(whoami, null)
      await waitFor('the orphan to be gone', () => k8s.pod('orphan-1') === undefined, 5_000)
      await waitFor('its process to be gone', () => !alive(orphanPid), 5_000)
      assert.ok(k8s.pod('sibling-1'), 'a runner of a live parent stays')
    } finally {
      await pool.shutdown()
      await api.deletePod('sibling-1', { gracePeriodSeconds: 0 })
    }
  })

  it('deletes the runners of a silent parent in another live pod only when it is still silent later', async () => {
    const otherNode = k8s.addPod({
      metadata: { name: 'wps-node-1' },
      spec: { containers: [{ name: 'app', image: 'flame-test:1' }] },
    })
    const who = {
      parentPod: 'wps-node-1',
      parentId: 'wps-node-1-7-0badf00d',
      pool: 'browser',
      runnerId: 'browser-1',
    }
    k8s.addPod({
      metadata: {
        name: 'stranded-1',
        labels: runnerLabels(who),
        annotations: runnerAnnotations(who),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'wps-node-1', uid: otherNode.metadata.uid }],
      },
      spec: { containers: [{ name: 'app', image: 'flame-test:1' }] },
    })
    const pool = new Pool({
      name: 'confirm',
      backend: k8sBackend({ confirmDeadAfter: 4_000 }),
      max: 1,
      log: false,
    })
    try {
      await pool.call(whoami, null)
      assert.ok(k8s.pod('stranded-1'), 'one silence is not enough')
      await waitFor('the second look to delete it', () => k8s.pod('stranded-1') === undefined, 10_000)
    } finally {
      await pool.shutdown()
    }
  })

  it('says clearly when POD_NAME is missing', async () => {
    const pool = new Pool({
      name: 'nopod',
      backend: k8sBackend({ environment: k8s.env }),
      max: 1,
      bootTimeout: 2_000,
      log: false,
    })
    try {
      const err = await rejectsWith(pool.call(whoami, null, { timeout: 1_000 }), 'timeout')
      assert.match(err.message, /POD_NAME is not set/)
    } finally {
      await pool.shutdown()
    }
  })
})
