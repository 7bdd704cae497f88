import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { harErrors } from '../../test/support/har-check.ts'
import { toHar } from './har.ts'
import { emptyMetrics, type RegionResult, type SpeedTest } from './model.ts'

const row = (node: string, over: Partial<RegionResult> = {}): RegionResult => ({
  region: 'ord',
  node,
  status: 'complete',
  httpStatus: 200,
  finalUrl: 'https://a.test/',
  metrics: { ...emptyMetrics(), domContentLoaded: 80, load: 120 },
  requests: 1,
  transferBytes: 700,
  cold: false,
  bootMs: 0,
  error: null,
  final: true,
  startedAt: Date.parse('2026-01-02T03:04:05.000Z'),
  entries: [
    {
      url: 'https://a.test/?q=1&r=two',
      type: 'document',
      status: 200,
      start: 0,
      end: 60,
      bytes: 700,
      method: 'GET',
      protocol: 'h2',
      priority: 'VeryHigh',
      mimeType: 'text/html',
      initiator: { type: 'other' },
      decodedBytes: 1500,
      timings: { blocked: 1, dns: 5, connect: 20, ssl: 12, send: 0.5, wait: 30, receive: 3.5 },
    },
  ],
  ...over,
})

const test = (results: RegionResult[]): SpeedTest => ({
  id: 't1',
  url: 'https://a.test/',
  createdAt: '2026-01-02T03:04:00.000Z',
  state: 'done',
  results,
})

describe('toHar', () => {
  it('makes a page per row and an entry per request, valid HAR 1.2', () => {
    const har = toHar(test([row('n1'), row('n2', { region: 'fra', entries: [] })]))
    assert.deepEqual(harErrors(har), [])
    assert.deepEqual(
      har.log.pages.map((p) => [p.id, p.startedDateTime, p.pageTimings]),
      [
        ['page_1_ord', '2026-01-02T03:04:05.000Z', { onContentLoad: 80, onLoad: 120 }],
        ['page_2_fra', '2026-01-02T03:04:05.000Z', { onContentLoad: 80, onLoad: 120 }],
      ],
    )
    const [entry] = har.log.entries
    assert.equal(har.log.entries.length, 1)
    assert.equal(entry?.pageref, 'page_1_ord')
    // ssl is inside connect: 1 + 5 + 20 + 0.5 + 30 + 3.5
    assert.equal(entry?.time, 60)
    assert.equal(entry?.request.httpVersion, 'h2')
    assert.deepEqual(entry?.request.queryString, [
      { name: 'q', value: '1' },
      { name: 'r', value: 'two' },
    ])
    assert.deepEqual(entry?.response.content, { size: 1500, mimeType: 'text/html' })
    assert.equal(entry?._transferSize, 700)
    assert.equal(entry?._priority, 'VeryHigh')
  })

  it('keeps a row without numbers (an error) as a page with -1 timings, and old entries without phases', () => {
    const failed = row('n1', {
      status: 'error',
      metrics: emptyMetrics(),
      startedAt: undefined,
      entries: [
        {
          url: 'https://a.test/',
          type: 'document',
          status: null,
          start: 0,
          end: 40,
          bytes: 0,
          failure: 'net::ERR_CONNECTION_REFUSED',
        },
      ],
    })
    const har = toHar(test([failed]))
    assert.deepEqual(harErrors(har), [])
    assert.deepEqual(har.log.pages[0]?.pageTimings, { onContentLoad: -1, onLoad: -1 })
    assert.equal(har.log.pages[0]?.startedDateTime, '2026-01-02T03:04:00.000Z', 'the test started then')
    assert.equal(har.log.entries[0]?.response.status, 0)
    assert.equal(har.log.entries[0]?._error, 'net::ERR_CONNECTION_REFUSED')
    assert.equal(har.log.entries[0]?.timings.wait, 40)
  })
})
