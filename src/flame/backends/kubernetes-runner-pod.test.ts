import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FakeKubernetes } from '../testing/fake-kubernetes.ts'
import { KubernetesApi } from './kubernetes-api.ts'
import { inClusterCredentials } from './kubernetes-credentials.ts'
import { sweepOrphans } from './kubernetes-orphans.ts'
import type { Pod, StoredPod } from './kubernetes-pod.ts'
import { LABELS, runnerAnnotations, runnerLabels, runnerPod } from './kubernetes-runner-pod.ts'

const nodePod: StoredPod = {
  metadata: { name: 'wps-7d9f-abcde', uid: 'uid-node', labels: { app: 'wps', 'pod-template-hash': '7d9f' } },
  spec: {
    nodeName: 'worker-3',
    hostname: 'wps-0',
    serviceAccountName: 'wps',
    volumes: [{ name: 'data', emptyDir: {} }],
    initContainers: [{ name: 'migrate', image: 'wps:1' }],
    containers: [
      {
        name: 'wps',
        image: 'registry.example/wps:1.2.3',
        command: ['node', 'bin/wps.mjs', 'serve'],
        args: ['--port', '4000'],
        ports: [{ containerPort: 4000 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 4000 } },
        resources: { requests: { cpu: '2', memory: '2Gi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        env: [
          { name: 'NATS_URL', value: 'nats://old:4222' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'FLAME_PARENT', value: 'stale' },
        ],
      },
      { name: 'log-shipper', image: 'fluent-bit:3' },
    ],
  },
  status: { phase: 'Running' },
}

describe('runner pods are the node pod, cloned', () => {
  const labels = runnerLabels({
    parentPod: nodePod.metadata.name,
    parentId: 'p1',
    pool: 'browser',
    runnerId: 'browser-1',
  })
  const pod = runnerPod(nodePod, {
    name: 'wps-7d9f-abcde-browser-1-x1y2z',
    command: ['node', 'bin/wps.mjs', 'runner'],
    env: { FLAME_PARENT: 'fresh', NATS_URL: 'nats://nats:4222' },
    labels,
  })

  it('keeps image, resources, volumes and service account; owned by the node pod; never restarted', () => {
    const c = pod.spec.containers
    assert.equal(c.length, 1)
    assert.equal(c[0]?.image, 'registry.example/wps:1.2.3')
    assert.deepEqual(c[0]?.resources, { requests: { cpu: '2', memory: '2Gi' } })
    assert.deepEqual(c[0]?.volumeMounts, [{ name: 'data', mountPath: '/data' }])
    assert.equal(pod.spec.serviceAccountName, 'wps')
    assert.equal(pod.spec.restartPolicy, 'Never')
    assert.deepEqual(pod.metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'Pod', name: 'wps-7d9f-abcde', uid: 'uid-node' },
    ])
  })

  it('runs the runner command with the runner env over the node env, without ports, probes or placement', () => {
    const c = pod.spec.containers[0]!
    assert.deepEqual(c.command, ['node', 'bin/wps.mjs', 'runner'])
    assert.equal(c.args, undefined)
    assert.equal(c.ports, undefined)
    assert.equal(c.readinessProbe, undefined)
    assert.deepEqual(c.env, [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'FLAME_PARENT', value: 'fresh' },
      { name: 'NATS_URL', value: 'nats://nats:4222' },
    ])
    assert.equal(pod.spec.nodeName, undefined)
    assert.equal(pod.spec.hostname, undefined)
    assert.equal(pod.spec.initContainers, undefined)
  })

  it('carries only its own labels, never the node pod’s', () => {
    assert.deepEqual(pod.metadata.labels, {
      'app.kubernetes.io/managed-by': 'flame',
      'flame/parent-pod': 'wps-7d9f-abcde',
      'flame/parent-id': 'p1',
      'flame/pool': 'browser',
      'flame/runner-id': 'browser-1',
    })
    assert.equal(nodePod.spec.containers[0]?.command?.[2], 'serve', 'the node pod itself is untouched')
  })

  it('names a missing container', () => {
    assert.throws(
      () => runnerPod(nodePod, { name: 'x', command: ['a'], env: {}, labels, container: 'app' }),
      /has no container "app" \(it has: wps, log-shipper\)/,
    )
  })
})

describe('sweepOrphans', () => {
  let k8s: FakeKubernetes
  let api: KubernetesApi
  const root = mkdtempSync(join(tmpdir(), 'k8s-sweep-'))
  before(async () => {
    k8s = await FakeKubernetes.start({ root })
    api = new KubernetesApi(inClusterCredentials(k8s.env))
  })
  after(async () => {
    await k8s.close()
    rmSync(root, { recursive: true, force: true })
  })

  function runner(
    name: string,
    owner: StoredPod,
    parentId: string,
    phase: 'Running' | 'Succeeded' = 'Running',
  ): void {
    const who = { parentPod: owner.metadata.name, parentId, pool: 'browser', runnerId: name }
    const pod: Pod = {
      metadata: {
        name,
        labels: runnerLabels(who),
        annotations: runnerAnnotations(who),
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: owner.metadata.name, uid: owner.metadata.uid },
        ],
      },
      spec: { containers: [{ name: 'wps', image: 'wps:1' }] },
      status: { phase },
    }
    k8s.addPod(pod)
  }

  it('deletes runners of a dead process, ended untracked runners and runners of a gone pod; keeps the rest', async () => {
    const spec = { containers: [{ name: 'wps', image: 'wps:1' }] }
    const me = k8s.addPod({ metadata: { name: 'node-a' }, spec })
    const other = k8s.addPod({ metadata: { name: 'node-b' }, spec })
    const gone: StoredPod = { metadata: { name: 'node-c', uid: 'uid-gone' }, spec }
    runner('a-old', me, 'previous')
    runner('a-live', me, 'current')
    runner('a-ended-tracked', me, 'current', 'Succeeded')
    runner('a-ended-untracked', me, 'current', 'Succeeded')
    runner('a-unsure', me, 'unknown')
    runner('b-live', other, 'theirs')
    runner('b-ended', other, 'theirs', 'Succeeded')
    runner('b-dead', other, 'dead')
    runner('c-orphan', gone, 'alive-elsewhere')
    k8s.addPod({ metadata: { name: 'unrelated', labels: { [LABELS.managedBy]: 'flame' } }, spec })
    const liveness: Record<string, boolean> = {
      previous: false,
      dead: false,
      theirs: true,
      'alive-elsewhere': true,
    }
    const asked: string[] = []
    const deleted = await sweepOrphans(
      api,
      { parentPod: 'node-a', parentUid: me.metadata.uid, parentId: 'current' },
      {
        tracked: (name) => name === 'a-ended-tracked',
        isParentAlive: async (id) => {
          asked.push(id)
          return liveness[id]
        },
      },
    )
    assert.deepEqual(deleted.sort(), ['a-ended-untracked', 'a-old', 'b-dead', 'c-orphan'])
    const left = k8s.list().map((p) => p.metadata.name)
    assert.deepEqual(left.sort(), [
      'a-ended-tracked',
      'a-live',
      'a-unsure',
      'b-ended',
      'b-live',
      'node-a',
      'node-b',
      'unrelated',
    ])
    assert.ok(!asked.includes('current'), 'its own runners are not asked about')
    assert.ok(!asked.includes('alive-elsewhere'), 'a gone owner pod decides without asking')
  })

  it('takes a silent parent in another live pod for dead only at a later sweep, and its own pod’s at once', async () => {
    const spec = { containers: [{ name: 'wps', image: 'wps:1' }] }
    const me = k8s.addPod({ metadata: { name: 'node-x' }, spec })
    const other = k8s.addPod({ metadata: { name: 'node-y' }, spec })
    runner('x-previous', me, 'x-old')
    runner('y-silent', other, 'y-joining')
    runner('y-flaky', other, 'y-flaky')
    const answers: Record<string, boolean> = { 'x-old': false, 'y-joining': false, 'y-flaky': false }
    const silentSince = new Map<string, number>()
    const sweep = () =>
      sweepOrphans(
        api,
        { parentPod: 'node-x', parentUid: me.metadata.uid, parentId: 'x-now' },
        {
          tracked: () => false,
          isParentAlive: async (id) => answers[id],
          confirmDeadAfterMs: 100,
          silentSince,
        },
      )
    assert.deepEqual(await sweep(), ['x-previous'])
    assert.ok(k8s.pod('y-silent') && k8s.pod('y-flaky'), 'one silence is not enough')
    answers['y-flaky'] = true // it was only slow to join
    await new Promise((r) => setTimeout(r, 150))
    assert.deepEqual(await sweep(), ['y-silent'])
    answers['y-flaky'] = false
    assert.deepEqual(await sweep(), [], 'a parent that answered starts over')
    assert.ok(k8s.pod('y-flaky'))
  })
})
