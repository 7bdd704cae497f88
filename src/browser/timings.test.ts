import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { harTimings } from './timings.ts'

const T0 = 500
const none = -1
const timing = (over: Partial<Record<string, number>> = {}) => ({
  requestTime: T0 + 0.001,
  dnsStart: none,
  dnsEnd: none,
  connectStart: none,
  connectEnd: none,
  sslStart: none,
  sslEnd: none,
  sendStart: 0.5,
  sendEnd: 0.7,
  receiveHeadersEnd: 40.7,
  ...over,
})

describe('harTimings', () => {
  it('marks the phases of a reused connection as not applicable (-1)', () => {
    assert.deepEqual(harTimings(timing(), T0, T0 + 0.0517), {
      blocked: 1.5,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0.2,
      wait: 40,
      receive: 10,
    })
  })

  it('times DNS, connect and TLS of a new https connection; connect includes ssl', () => {
    const t = harTimings(
      timing({
        dnsStart: 0,
        dnsEnd: 4,
        connectStart: 4,
        connectEnd: 30,
        sslStart: 12,
        sslEnd: 30,
        sendStart: 30,
        sendEnd: 30.5,
        receiveHeadersEnd: 80.5,
      }),
      T0 + 0.001,
      T0 + 0.0825,
    )
    assert.deepEqual(t, { blocked: 0, dns: 4, connect: 26, ssl: 18, send: 0.5, wait: 50, receive: 1 })
  })

  it('puts the whole time of a request without a response in blocked', () => {
    assert.deepEqual(harTimings(undefined, T0, T0 + 0.25), {
      blocked: 250,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: 0,
      receive: 0,
    })
  })

  it('never reports a negative send, wait or receive (HAR requires them ≥ 0)', () => {
    const t = harTimings(timing({ sendEnd: 0.2, receiveHeadersEnd: 0.1 }), T0, T0)
    assert.ok(t.send >= 0 && t.wait >= 0 && t.receive >= 0, JSON.stringify(t))
  })
})
