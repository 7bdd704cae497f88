import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeMeasurement } from './compute.ts'
import { type GatheredLoad, gatheredLoad } from './gathered.ts'
import type { NetworkEvent } from './network-events.ts'
import type { RawPageMetrics } from './page-script.ts'

const events = (status: number, headers: Record<string, string> = {}): NetworkEvent[] => [
  {
    method: 'Network.requestWillBeSent',
    params: {
      requestId: '1',
      timestamp: 10,
      wallTime: 1_700_000_000,
      type: 'Document',
      request: { url: 'http://a.test/' },
    },
  },
  {
    method: 'Network.responseReceived',
    params: {
      requestId: '1',
      timestamp: 10.05,
      type: 'Document',
      response: { status, encodedDataLength: 200, ...{ url: 'http://a.test/', headers } },
    },
  },
  { method: 'Network.loadingFinished', params: { requestId: '1', timestamp: 10.1, encodedDataLength: 1200 } },
]

const page: RawPageMetrics = {
  navigation: {
    responseStart: 41.2,
    domContentLoadedEventStart: 60,
    domContentLoadedEventEnd: 61,
    loadEventStart: 99.6,
    loadEventEnd: 100,
  },
  paint: [{ name: 'first-contentful-paint', startTime: 80 }],
  lcp: [{ startTime: 90, renderTime: 90, loadTime: 0, size: 100, url: '' }],
  layoutShifts: [],
  // 120 ms after FCP: blocks 70 ms by Lighthouse's 50 ms threshold.
  longTasks: [{ startTime: 100, duration: 120 }],
}

const load = (over: Partial<Parameters<typeof gatheredLoad>[0]> = {}): GatheredLoad =>
  gatheredLoad({
    url: 'http://a.test/',
    events: events(200),
    page,
    documents: ['http://a.test/'],
    ended: { error: null },
    ...over,
  })

describe('computeMeasurement', () => {
  it('computes the metrics, requests and bytes of a gathered load', () => {
    const m = computeMeasurement(load())
    assert.deepEqual(m.metrics, {
      ttfb: 41,
      fcp: 80,
      lcp: 90,
      cls: 0,
      tbt: 70,
      domContentLoaded: 60,
      load: 100,
    })
    assert.equal(m.requests, 1)
    assert.equal(m.transferBytes, 1200)
    assert.equal(m.httpStatus, 200)
    assert.equal(m.finalUrl, 'http://a.test/')
    assert.equal(m.startedAt, 1_700_000_000_000)
    assert.equal(m.error, null)
  })

  it('computes another definition from the same entries when asked', () => {
    assert.equal(computeMeasurement(load(), { tbtThresholdMs: 100 }).metrics.tbt, 20)
    assert.equal(computeMeasurement(load(), { tbtThresholdMs: 0 }).metrics.tbt, 120)
  })

  it('carries Speed Index and visually complete over from the gathered figures', () => {
    const m = computeMeasurement({
      ...load(),
      visual: { speedIndex: 420, visuallyComplete: 610, frameTimes: [5, 610] },
    })
    assert.equal(m.metrics.speedIndex, 420)
    assert.equal(m.metrics.visuallyComplete, 610)
  })

  it('applies the rules that read the network log: HTTP status, proxy failures, client-side navigations', () => {
    assert.equal(computeMeasurement(load({ events: events(404) })).error?.code, 'http_error')
    const unreachable = computeMeasurement(
      load({
        events: events(502, { 'x-wps-proxy-error': 'ECONNREFUSED' }),
        page: null,
        ended: { error: null, unreachable: 'ECONNREFUSED' },
      }),
    )
    assert.equal(unreachable.error?.code, 'connection_refused')
    assert.equal(unreachable.httpStatus, null)
    assert.equal(unreachable.transferBytes, 0)
    const moved = computeMeasurement(load({ documents: ['http://a.test/', 'http://a.test/next'] }))
    assert.equal(moved.finalUrl, 'http://a.test/next')
    const timedOut = computeMeasurement(load({ ended: { error: { code: 'timeout', message: 'slow' } } }))
    assert.equal(timedOut.error?.code, 'timeout')
  })
})
