import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { NetworkEvent } from './network-events.ts'
import { summariseNetwork } from './network-summary.ts'

// CDP timestamps are monotonic seconds.
const T0 = 1000
const request = (requestId: string, url: string, at: number, type?: string, redirect?: [number, number]) =>
  ({
    method: 'Network.requestWillBeSent',
    params: {
      requestId,
      timestamp: T0 + at / 1000,
      type,
      request: { url },
      redirectResponse: redirect && { status: redirect[0], encodedDataLength: redirect[1] },
    },
  }) satisfies NetworkEvent
const response = (requestId: string, at: number, type: string, status: number, headerBytes: number) =>
  ({
    method: 'Network.responseReceived',
    params: {
      requestId,
      timestamp: T0 + at / 1000,
      type,
      response: { status, encodedDataLength: headerBytes },
    },
  }) satisfies NetworkEvent
const data = (requestId: string, bytes: number) =>
  ({ method: 'Network.dataReceived', params: { requestId, encodedDataLength: bytes } }) satisfies NetworkEvent
const finished = (requestId: string, at: number, bytes: number) =>
  ({
    method: 'Network.loadingFinished',
    params: { requestId, timestamp: T0 + at / 1000, encodedDataLength: bytes },
  }) satisfies NetworkEvent
const failed = (requestId: string, at: number, errorText: string) =>
  ({
    method: 'Network.loadingFailed',
    params: { requestId, timestamp: T0 + at / 1000, errorText },
  }) satisfies NetworkEvent

describe('summariseNetwork', () => {
  it('counts every redirect hop as a request and follows the document to where it landed', () => {
    const summary = summariseNetwork([
      request('1', 'http://a.test/', 0, 'Document'),
      request('1', 'https://a.test/', 30, 'Document', [301, 120]),
      request('1', 'https://www.a.test/', 60, 'Document', [302, 130]),
      response('1', 90, 'Document', 200, 200),
      finished('1', 100, 1200),
    ])
    assert.equal(summary.requests, 3)
    assert.equal(summary.transferBytes, 120 + 130 + 1200)
    assert.deepEqual(summary.document, { url: 'https://www.a.test/', status: 200 })
    assert.deepEqual(
      summary.entries.map((e) => [e.url, e.status, e.start, e.end, e.bytes]),
      [
        ['http://a.test/', 301, 0, 30, 120],
        ['https://a.test/', 302, 30, 60, 130],
        ['https://www.a.test/', 200, 60, 100, 1200],
      ],
    )
  })

  it('includes cross-origin requests and leaves out data: and blob: URLs', () => {
    const summary = summariseNetwork([
      request('1', 'https://a.test/', 0, 'Document'),
      request('2', 'data:image/png;base64,AAAA', 5, 'Image'),
      response('2', 5, 'Image', 200, 0),
      finished('2', 5, 0),
      request('3', 'https://cdn.other.test/lib.js', 10, 'Script'),
      request('4', 'blob:https://a.test/123', 12, 'Fetch'),
      response('3', 40, 'Script', 200, 150),
      finished('3', 50, 5150),
      response('1', 8, 'Document', 200, 100),
      finished('1', 60, 900),
    ])
    assert.equal(summary.requests, 2)
    assert.deepEqual(
      summary.entries.map((e) => [e.url, e.type]),
      [
        ['https://a.test/', 'document'],
        ['https://cdn.other.test/lib.js', 'script'],
      ],
    )
    assert.equal(summary.transferBytes, 900 + 5150)
  })

  it('keeps failed requests with their error and the bytes that arrived', () => {
    const summary = summariseNetwork([
      request('1', 'https://a.test/', 0, 'Document'),
      response('1', 10, 'Document', 200, 100),
      finished('1', 20, 600),
      request('2', 'https://gone.test/x.png', 25, 'Image'),
      failed('2', 35, 'net::ERR_NAME_NOT_RESOLVED'),
    ])
    assert.equal(summary.requests, 2)
    assert.deepEqual(summary.entries[1], {
      url: 'https://gone.test/x.png',
      type: 'image',
      status: null,
      start: 25,
      end: 35,
      bytes: 0,
      decodedBytes: 0,
      method: 'GET',
      failure: 'net::ERR_NAME_NOT_RESOLVED',
      // No response, no timing: all its 10 ms were spent waiting for a connection that never came.
      timings: { blocked: 10, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
    })
  })

  it('gives each request what a waterfall shows: protocol, priority, MIME type, initiator, sizes, phases', () => {
    const timing = {
      requestTime: T0 + 0.002,
      dnsStart: 1,
      dnsEnd: 3,
      connectStart: 3,
      connectEnd: 10,
      sslStart: 5,
      sslEnd: 10,
      sendStart: 10.5,
      sendEnd: 11,
      receiveHeadersEnd: 311,
    }
    const summary = summariseNetwork([
      {
        method: 'Network.requestWillBeSent',
        params: {
          requestId: '1',
          timestamp: T0,
          wallTime: 1_700_000_000.25,
          type: 'Stylesheet',
          request: { url: 'https://a.test/s.css', method: 'GET', initialPriority: 'VeryHigh' },
          initiator: { type: 'parser', url: 'https://a.test/' },
        },
      },
      {
        method: 'Network.responseReceived',
        params: {
          requestId: '1',
          timestamp: T0 + 0.313,
          type: 'Stylesheet',
          response: { status: 200, encodedDataLength: 120, protocol: 'h2', mimeType: 'text/css', timing },
        },
      },
      { method: 'Network.dataReceived', params: { requestId: '1', encodedDataLength: 0, dataLength: 4000 } },
      finished('1', 320, 1120),
    ])
    assert.equal(summary.startedAt, 1_700_000_000_250)
    const [entry] = summary.entries
    assert.deepEqual(
      { ...entry, timings: undefined },
      {
        url: 'https://a.test/s.css',
        type: 'stylesheet',
        status: 200,
        start: 0,
        end: 320,
        bytes: 1120,
        decodedBytes: 4000,
        method: 'GET',
        priority: 'VeryHigh',
        initiator: { type: 'parser', url: 'https://a.test/' },
        protocol: 'h2',
        mimeType: 'text/css',
        timings: undefined,
      },
    )
    // 2 ms before the request was on its way + 1 ms to DNS; receive runs from the headers to the end.
    assert.deepEqual(entry?.timings, {
      blocked: 3,
      dns: 2,
      connect: 7,
      ssl: 5,
      send: 0.5,
      wait: 300,
      receive: 7,
    })
  })

  it('counts the bytes received so far for a request that never finished', () => {
    const summary = summariseNetwork([
      request('1', 'https://a.test/', 0, 'Document'),
      response('1', 10, 'Document', 200, 100),
      finished('1', 20, 600),
      request('2', 'https://a.test/slow.js', 25, 'Script'),
      response('2', 30, 'Script', 200, 150),
      data('2', 100),
      data('2', 50),
    ])
    assert.deepEqual(
      summary.entries.map((e) => [e.end, e.bytes]),
      [
        [20, 600],
        [null, 300],
      ],
    )
    assert.equal(summary.transferBytes, 900)
  })

  it('has no document when nothing was requested', () => {
    assert.deepEqual(summariseNetwork([]), {
      requests: 0,
      transferBytes: 0,
      entries: [],
      document: null,
      startedAt: null,
    })
  })

  it('reports a document that failed before any response without a status', () => {
    const summary = summariseNetwork([
      request('1', 'http://nowhere.invalid/', 0, 'Document'),
      failed('1', 3, 'net::ERR_NAME_NOT_RESOLVED'),
    ])
    assert.deepEqual(summary.document, { url: 'http://nowhere.invalid/', status: null })
  })
})

describe('summariseNetwork behind our proxy', () => {
  const proxyAnswer = (requestId: string, at: number, errno: string): NetworkEvent => ({
    method: 'Network.responseReceived',
    params: {
      requestId,
      timestamp: T0 + at / 1000,
      type: 'Image',
      // CDP's response carries headers beyond the fields NetworkEvent names.
      response: { status: 502, encodedDataLength: 80, headers: { 'x-wps-proxy-error': errno } } as never,
    },
  })
  it('lists a request the proxy could not (or would not) connect as failed, with no status or bytes', () => {
    const events: NetworkEvent[] = [
      request('1', 'http://a.test/', 0, 'Document'),
      response('1', 10, 'Document', 200, 100),
      finished('1', 20, 600),
      request('2', 'http://10.0.0.5/x.png', 30, 'Image'),
      proxyAnswer('2', 31, 'EBLOCKED:private:10.0.0.5'),
      finished('2', 32, 80),
      request('3', 'http://a.test/own-502.png', 30, 'Image'),
      response('3', 40, 'Image', 502, 90),
      finished('3', 41, 90),
    ]
    const summary = summariseNetwork(events)
    assert.equal(summary.requests, 3)
    const blocked = summary.entries[1]!
    assert.equal(blocked.status, null)
    assert.equal(blocked.bytes, 0)
    assert.match(blocked.failure ?? '', /ERR_BLOCKED_BY_ADMINISTRATOR.*10\.0\.0\.5.*private/)
    assert.equal(summary.entries[2]!.status, 502, 'a site’s own 502 stays what it is')
    assert.equal(summary.entries[2]!.failure, undefined)
    assert.equal(summary.transferBytes, 600 + 90)
  })
})
