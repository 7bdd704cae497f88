import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, parseTrustProxy, readConfig } from './config.ts'

describe('config', () => {
  it('trusts no proxy unless WPS_TRUST_PROXY says so', () => {
    for (const off of [undefined, '', '0', 'false', 'off']) assert.equal(parseTrustProxy(off), false)
    assert.equal(parseTrustProxy('true'), true)
    assert.equal(parseTrustProxy('2'), 2)
    assert.equal(parseTrustProxy('127.0.0.1, 10.0.0.0/8,loopback'), '127.0.0.1,10.0.0.0/8,loopback')
    assert.equal(parseTrustProxy('fd00::/8'), 'fd00::/8')
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/9']) {
      assert.throws(() => parseTrustProxy(bad), ConfigError, bad)
    }
    assert.equal(readConfig({}).trustProxy, false)
  })

  it('runs process runners at niceness 10 unless WPS_RUNNER_NICE says otherwise (0–19)', () => {
    assert.equal(readConfig({}).pool.runnerNice, 10)
    assert.equal(readConfig({ WPS_RUNNER_NICE: '0' }).pool.runnerNice, 0)
    assert.equal(readConfig({ WPS_RUNNER_NICE: '19' }).pool.runnerNice, 19)
    for (const bad of ['20', '-1', 'low', '2.5']) {
      assert.throws(() => readConfig({ WPS_RUNNER_NICE: bad }), /WPS_RUNNER_NICE/, bad)
    }
  })

  it('reads WPS_PUBLIC_URL as an http(s) URL', () => {
    assert.equal(readConfig({}).publicUrl, null)
    assert.equal(
      readConfig({ WPS_PUBLIC_URL: 'https://speed.example.com' }).publicUrl,
      'https://speed.example.com/',
    )
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'ftp://x' }), /WPS_PUBLIC_URL/)
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'not a url' }), /WPS_PUBLIC_URL/)
  })

  it('reads WPS_API_KEYS as a comma list, and never names a key in its errors', () => {
    assert.deepEqual(readConfig({}).apiKeys, [])
    const keys = 'aaaaaaaaaaaaaaaa1, bbbbbbbbbbbbbbbb2'
    assert.deepEqual(readConfig({ WPS_API_KEYS: keys }).apiKeys, ['aaaaaaaaaaaaaaaa1', 'bbbbbbbbbbbbbbbb2'])
    assert.equal(readConfig({}).apiKeysRead, false)
    assert.equal(readConfig({ WPS_API_KEYS_READ: '1' }).apiKeysRead, true)
    assert.throws(() => readConfig({ WPS_API_KEYS_READ: 'yes' }), /WPS_API_KEYS_READ must be 1 or 0/)
    for (const bad of ['aaaaaaaaaaaaaaaa1,short-secret', 'aaaaaaaaaaaaaaaa1,,bbbbbbbbbbbbbbbb2']) {
      assert.throws(
        () => readConfig({ WPS_API_KEYS: bad }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /WPS_API_KEYS entry 2 must be/.test(error.message) &&
          !error.message.includes('short-secret') &&
          !error.message.includes('aaaa'),
      )
    }
  })
})

const fly = {
  WPS_POOL_BACKEND: 'fly',
  NATS_URL: 'nats://127.0.0.1:4222',
  FLY_API_TOKEN: 'secret',
  FLY_APP_NAME: 'wps',
  FLY_IMAGE_REF: 'registry.fly.io/wps:deployment-1',
}

describe('readConfig, fly backend', () => {
  it('reads the Fly settings, with the region from FLY_REGION and the documented defaults', () => {
    const config = readConfig({ ...fly, FLY_REGION: 'syd' })
    assert.equal(config.region, 'syd')
    assert.equal(config.pool.bootTimeoutMs, 30_000)
    assert.deepEqual(config.pool.fly, {
      runnerNatsUrl: 'nats://127.0.0.1:4222',
      apiUrl: 'https://api.machines.dev',
      apiToken: 'secret',
      app: 'wps',
      imageRef: 'registry.fly.io/wps:deployment-1',
      region: 'syd',
      guest: { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 },
    })
  })

  it('takes WPS_FLY_API_URL, WPS_FLY_GUEST, WPS_RUNNER_NATS_URL and WPS_POOL_BOOT_TIMEOUT_MS', () => {
    const config = readConfig({
      ...fly,
      WPS_REGION: 'fra',
      WPS_FLY_API_URL: 'http://_api.internal:4280',
      WPS_FLY_GUEST: 'shared-cpu-2x',
      WPS_RUNNER_NATS_URL: 'nats://[fdaa::2]:4222',
      WPS_POOL_BOOT_TIMEOUT_MS: '45000',
    })
    assert.equal(config.pool.fly?.apiUrl, 'http://_api.internal:4280')
    assert.deepEqual(config.pool.fly?.guest, { cpu_kind: 'shared', cpus: 2, memory_mb: 512 })
    assert.equal(config.pool.fly?.runnerNatsUrl, 'nats://[fdaa::2]:4222')
    assert.equal(config.pool.fly?.region, 'fra')
    assert.equal(config.pool.bootTimeoutMs, 45_000)
  })

  it('names what is missing or wrong', () => {
    for (const name of ['NATS_URL', 'FLY_API_TOKEN', 'FLY_APP_NAME', 'FLY_IMAGE_REF'] as const) {
      const env: Record<string, string> = { ...fly }
      delete env[name]
      assert.throws(
        () => readConfig(env),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
      )
    }
    assert.throws(
      () => readConfig({ ...fly, WPS_FLY_GUEST: 'big' }),
      /WPS_FLY_GUEST: "big" is not a Fly guest size/,
    )
    assert.throws(
      () => readConfig({ ...fly, WPS_POOL_BACKEND: 'k8s' }),
      /"process", "local", "fly" or "kubernetes"/,
    )
  })

  it('needs nothing from Fly for the other backends', () => {
    assert.equal(readConfig({}).pool.fly, null)
  })
})

describe('readConfig: WPS_POOL_BACKEND=kubernetes', () => {
  const base = {
    WPS_POOL_BACKEND: 'kubernetes',
    NATS_URL: 'nats://nats:4222',
    POD_NAME: 'wps-7d9f-abcde',
    POD_NAMESPACE: 'speed',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    HOME: '/root',
  }

  it('reads the pod, the in-cluster variables and the runner resources', () => {
    const k8s = readConfig({ ...base, WPS_K8S_RUNNER_CPU: '1500m', WPS_K8S_RUNNER_MEMORY: '2Gi' }).pool
      .kubernetes
    assert.deepEqual(k8s, {
      runnerNatsUrl: 'nats://nats:4222',
      podName: 'wps-7d9f-abcde',
      resources: { requests: { cpu: '1500m', memory: '2Gi' }, limits: { cpu: '1500m', memory: '2Gi' } },
      container: null,
      inCluster: {
        POD_NAME: 'wps-7d9f-abcde',
        POD_NAMESPACE: 'speed',
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      },
    })
  })

  it('keeps the node container’s resources when none are given', () => {
    assert.equal(readConfig(base).pool.kubernetes?.resources, null)
    assert.equal(readConfig({ ...base, WPS_K8S_CONTAINER: 'app' }).pool.kubernetes?.container, 'app')
    assert.equal(
      readConfig({ ...base, WPS_RUNNER_NATS_URL: 'nats://a:4222' }).pool.kubernetes?.runnerNatsUrl,
      'nats://a:4222',
    )
  })

  it('names what is missing or malformed', () => {
    assert.throws(() => readConfig({ ...base, POD_NAME: '' }), /needs POD_NAME: set it from the downward API/)
    assert.throws(() => readConfig({ ...base, NATS_URL: '' }), /needs NATS_URL/)
    assert.throws(
      () => readConfig({ ...base, WPS_K8S_RUNNER_CPU: 'two' }),
      /WPS_K8S_RUNNER_CPU must be a CPU quantity/,
    )
    assert.throws(() => readConfig({ ...base, WPS_K8S_RUNNER_MEMORY: '2 GB' }), ConfigError)
    assert.throws(
      () => readConfig({ ...base, WPS_POOL_BACKEND: 'k8s' }),
      /"process", "local", "fly" or "kubernetes"/,
    )
  })

  it('is not read for other backends', () => {
    assert.equal(readConfig({ WPS_POOL_BACKEND: 'process' }).pool.kubernetes, null)
  })
})

describe('config', () => {
  it('trusts no proxy unless WPS_TRUST_PROXY says so', () => {
    for (const off of [undefined, '', '0', 'false', 'off']) assert.equal(parseTrustProxy(off), false)
    assert.equal(parseTrustProxy('true'), true)
    assert.equal(parseTrustProxy('2'), 2)
    assert.equal(parseTrustProxy('127.0.0.1, 10.0.0.0/8,loopback'), '127.0.0.1,10.0.0.0/8,loopback')
    assert.equal(parseTrustProxy('fd00::/8'), 'fd00::/8')
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/9']) {
      assert.throws(() => parseTrustProxy(bad), ConfigError, bad)
    }
    assert.equal(readConfig({}).trustProxy, false)
  })

  it('reads WPS_PUBLIC_URL as an http(s) URL', () => {
    assert.equal(readConfig({}).publicUrl, null)
    assert.equal(
      readConfig({ WPS_PUBLIC_URL: 'https://speed.example.com' }).publicUrl,
      'https://speed.example.com/',
    )
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'ftp://x' }), /WPS_PUBLIC_URL/)
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'not a url' }), /WPS_PUBLIC_URL/)
  })
})
