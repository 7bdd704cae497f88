/**
 * The node's choice of egress for its browsers: always a proxy (it does the DNS lookups,
 * so the browsers never do), which guards unless private targets are allowed (the
 * production default refuses them) and emulates latency when there is some.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startEgressProxy } from '../../src/speedtest/egress.ts'
import { rawRequest } from '../latency/raw-http.ts'

describe('startEgressProxy', () => {
  it('is there also with private targets allowed and no latency, refusing nothing', async () => {
    const proxy = await startEgressProxy({ allowPrivate: true, latencyMs: 0 })
    try {
      assert.equal(proxy.rttMs, 0)
      const answer = await rawRequest(
        proxy.port,
        `GET http://127.0.0.1:${proxy.port}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      assert.doesNotMatch(answer.text, /EBLOCKED/)
    } finally {
      await proxy.close()
    }
  })

  it('by default refuses non-public addresses, with no latency added', async () => {
    const proxy = await startEgressProxy({ allowPrivate: false, latencyMs: 0 })
    try {
      assert.equal(proxy.rttMs, 0)
      const answer = await rawRequest(
        proxy.port,
        `GET http://127.0.0.1:${proxy.port}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      assert.match(answer.text, /^HTTP\/1\.1 502/)
      assert.match(answer.text, /x-wps-proxy-error: EBLOCKED:loopback:127\.0\.0\.1/i)
    } finally {
      await proxy.close()
    }
  })

  it('with private targets allowed, emulates latency without refusing anything', async () => {
    const proxy = await startEgressProxy({ allowPrivate: true, latencyMs: 5 })
    try {
      assert.equal(proxy.rttMs, 5)
      // Its own port, absolute-form: forwarded (to itself, which answers 400), not refused.
      const answer = await rawRequest(
        proxy.port,
        `GET http://127.0.0.1:${proxy.port}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      assert.doesNotMatch(answer.text, /EBLOCKED/)
    } finally {
      await proxy.close()
    }
  })
})
