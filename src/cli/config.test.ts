import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, readConfig } from './config.ts'

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
