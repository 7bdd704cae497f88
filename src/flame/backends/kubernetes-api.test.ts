import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FakeKubernetes } from '../testing/fake-kubernetes.ts'
import { waitFor } from '../testing/harness.ts'
import { KubernetesApi, KubernetesApiError } from './kubernetes-api.ts'
import { inClusterCredentials, KubernetesConfigError } from './kubernetes-credentials.ts'
import { labelValue, podName } from './kubernetes-pod.ts'

const node = process.execPath

describe('Kubernetes API client against the fake API server', () => {
  let k8s: FakeKubernetes
  let api: KubernetesApi
  const root = mkdtempSync(join(tmpdir(), 'k8s-root-'))

  before(async () => {
    k8s = await FakeKubernetes.start({ root, namespace: 'speed' })
    api = new KubernetesApi(inClusterCredentials(k8s.env))
    k8s.addPod({
      metadata: { name: 'wps-0', labels: { app: 'wps' } },
      spec: { containers: [{ name: 'wps', image: 'wps:1' }] },
    })
  })
  after(async () => {
    await k8s.close()
    rmSync(root, { recursive: true, force: true })
  })

  it('reads the service-account files and names what is missing', () => {
    const creds = inClusterCredentials(k8s.env)
    assert.equal(creds.namespace, 'speed')
    assert.equal(creds.server, k8s.url)
    assert.equal(creds.token(), k8s.token)
    assert.throws(() => inClusterCredentials({}), KubernetesConfigError)
    assert.throws(
      () => inClusterCredentials({ ...k8s.env, WPS_K8S_SERVICE_ACCOUNT_DIR: join(root, 'nowhere') }),
      /cannot read the service account's token/,
    )
    assert.equal(
      inClusterCredentials({ ...k8s.env, KUBERNETES_SERVICE_HOST: 'fd00::1' }).server,
      `https://[fd00::1]:${k8s.env.KUBERNETES_SERVICE_PORT}`,
    )
  })

  it('gets a pod, and a missing one is a NotFound Status', async () => {
    const me = await api.getPod('wps-0')
    assert.equal(me.metadata.labels?.app, 'wps')
    assert.equal(me.status?.phase, 'Running')
    assert.match(me.metadata.uid, /^[0-9a-f-]{36}$/)
    const err = await api.getPod('nope').catch((e: unknown) => e)
    assert.ok(err instanceof KubernetesApiError)
    assert.equal(err.status, 404)
    assert.equal(err.reason, 'NotFound')
    assert.match(err.message, /pods "nope" not found/)
  })

  it('runs a created pod with exactly its env, in the root, without IPC, and records its exit', async () => {
    const script =
      'console.log(JSON.stringify({ env: process.env, cwd: process.cwd(), ipc: typeof process.send }))'
    const pod = await api.createPod({
      metadata: { name: 'env-probe', labels: { role: 'probe' } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'probe',
            image: 'wps:1',
            command: [node, '-e'],
            args: [script],
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            ],
          },
        ],
      },
    })
    assert.equal(pod.status?.phase, 'Pending')
    assert.equal(pod.metadata.namespace, 'speed')
    await waitFor(
      'the probe to finish',
      async () => (await api.getPod('env-probe')).status?.phase === 'Succeeded',
    )
    const seen = JSON.parse(k8s.logsOf('env-probe').trim()) as {
      env: Record<string, string>
      cwd: string
      ipc: string
    }
    assert.deepEqual(Object.keys(seen.env).sort(), [
      'GREETING',
      'HOME',
      'PATH',
      'POD_NAME',
      'POD_NAMESPACE',
      'TMPDIR',
    ])
    assert.equal(seen.env.POD_NAME, 'env-probe')
    assert.equal(seen.env.POD_NAMESPACE, 'speed')
    assert.notEqual(seen.env.TMPDIR, tmpdir())
    assert.equal(seen.cwd, root)
    assert.equal(seen.ipc, 'undefined')
  })

  it('lists pods by label selector', async () => {
    const names = async (selector: string) =>
      (await api.listPods(selector)).items.map((p) => p.metadata.name).sort()
    assert.deepEqual(await names('app=wps'), ['wps-0'])
    assert.deepEqual(await names('role'), ['env-probe'])
    assert.deepEqual(await names('!role'), ['wps-0'])
    assert.deepEqual(await names('app in (wps,other)'), ['wps-0'])
    assert.deepEqual(await names('app!=wps'), ['env-probe'])
    await assert.rejects(api.listPods('a=b=c'), { status: 400, reason: 'BadRequest' })
  })

  it('deleting a running pod kills its processes; deleting twice is harmless', async () => {
    await api.createPod({
      metadata: { name: 'sleeper' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'wps:1', command: [node, '-e', 'setInterval(() => {}, 1000)'] }],
      },
    })
    await waitFor('the sleeper to run', () => k8s.pidOf('sleeper') !== undefined)
    const pid = k8s.pidOf('sleeper')!
    const deleting = await api.deletePod('sleeper', { gracePeriodSeconds: 0 })
    assert.equal(deleting, true)
    await waitFor('the pod to be gone', () => k8s.pod('sleeper') === undefined, 5_000)
    await waitFor('its process to be gone', () => !alive(pid), 5_000)
    assert.equal(await api.deletePod('sleeper'), false)
  })

  it('a pod whose process fails is Failed with its exit code', async () => {
    await api.createPod({
      metadata: { name: 'crasher' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'wps:1', command: [node, '-e', 'process.exit(3)'] }],
      },
    })
    await waitFor('the crash', async () => (await api.getPod('crasher')).status?.phase === 'Failed')
    const status = (await api.getPod('crasher')).status as {
      containerStatuses: { state: { terminated: { exitCode: number } } }[]
    }
    assert.equal(status.containerStatuses[0]?.state.terminated.exitCode, 3)
  })

  it('deleting an owner deletes the pods that name it in ownerReferences', async () => {
    const owner = await api.createPod({
      metadata: { name: 'owner' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'wps:1', command: [node, '-e', 'setInterval(() => {}, 1000)'] }],
      },
    })
    await api.createPod({
      metadata: {
        name: 'owned',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'owner', uid: owner.metadata.uid }],
      },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'wps:1', command: [node, '-e', 'setInterval(() => {}, 1000)'] }],
      },
    })
    await waitFor('both to run', () => k8s.pidOf('owner') !== undefined && k8s.pidOf('owned') !== undefined)
    await api.deletePod('owner', { gracePeriodSeconds: 0 })
    await waitFor('the dependent to be collected', () => k8s.pod('owned') === undefined, 5_000)
  })

  it('answers bad requests with the API Status codes', async () => {
    const spec = { containers: [{ name: 'c', image: 'wps:1', command: [node, '-e', ''] }] }
    await assert.rejects(api.createPod({ metadata: { name: 'wps-0' }, spec }), {
      status: 409,
      reason: 'AlreadyExists',
    })
    await assert.rejects(api.createPod({ metadata: { name: 'Bad_Name' }, spec }), {
      status: 422,
      reason: 'Invalid',
    })
    await assert.rejects(api.createPod({ metadata: { name: 'x', labels: { a: 'not ok!' } }, spec }), {
      status: 422,
    })
    await assert.rejects(api.createPod({ metadata: { name: 'x', namespace: 'other' }, spec }), {
      status: 400,
    })
    const dir = mkdtempSync(join(tmpdir(), 'k8s-sa-'))
    try {
      writeFileSync(join(dir, 'token'), 'wrong')
      writeFileSync(join(dir, 'ca.crt'), inClusterCredentials(k8s.env).ca)
      writeFileSync(join(dir, 'namespace'), 'speed')
      const wrong = new KubernetesApi(inClusterCredentials({ ...k8s.env, WPS_K8S_SERVICE_ACCOUNT_DIR: dir }))
      await assert.rejects(wrong.getPod('wps-0'), { status: 401, reason: 'Unauthorized' })
      writeFileSync(join(dir, 'namespace'), 'elsewhere')
      const foreign = new KubernetesApi({ ...inClusterCredentials(k8s.env), namespace: 'elsewhere' })
      await assert.rejects(foreign.listPods(''), { status: 403, reason: 'Forbidden' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a server its CA did not sign', async () => {
    const other = await FakeKubernetes.start({ root })
    try {
      const mixed = new KubernetesApi({
        ...inClusterCredentials(other.env),
        ca: inClusterCredentials(k8s.env).ca,
      })
      const err = await mixed.listPods('').catch((e: unknown) => e)
      assert.ok(err instanceof KubernetesApiError)
      assert.equal(err.status, 0)
      assert.match(err.message, /certificate/)
    } finally {
      await other.close()
    }
  })

  it('makes valid pod names and label values', () => {
    assert.equal(podName('WPS_Node.0', 'browser-1-ab12c'), 'wps-node-0-browser-1-ab12c')
    const long = podName('x'.repeat(80), 'browser-12-abcde')
    assert.ok(long.length <= 63 && long.endsWith('-browser-12-abcde'), long)
    assert.equal(labelValue('-node/ord:1-'), 'node-ord-1')
    assert.equal(labelValue('a'.repeat(70)).length, 63)
  })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
