import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GATHERED_VERSION, gatheredLoad, parseGathered, trimEvent } from './gathered.ts'
import type { NetworkEvent } from './network-events.ts'

// A response as CDP sends it: far more than the summary reads.
const cdpResponse = {
  url: 'http://a.test/file',
  status: 200,
  statusText: 'OK',
  headers: {
    'Content-Type': 'text/html',
    'Content-Disposition': 'attachment; filename="x.bin"',
    'Set-Cookie': 'a=b',
  },
  mimeType: 'text/html',
  connectionReused: false,
  remoteIPAddress: '127.0.0.1',
  encodedDataLength: 180,
  protocol: 'http/1.1',
  securityState: 'insecure',
  fromDiskCache: true,
  timing: {
    requestTime: 1,
    proxyStart: -1,
    dnsStart: 0,
    dnsEnd: 1,
    connectStart: 1,
    connectEnd: 2,
    sslStart: -1,
    sslEnd: -1,
    sendStart: 2,
    sendEnd: 2.1,
    receiveHeadersEnd: 5,
  },
}

describe('trimEvent', () => {
  it('keeps the fields that are read, two headers of all, and drops the rest', () => {
    const event = {
      method: 'Network.responseReceived',
      params: {
        requestId: '7',
        loaderId: 'L',
        timestamp: 3,
        type: 'Document',
        frameId: 'F',
        response: cdpResponse,
      },
    } as unknown as NetworkEvent
    assert.deepEqual(trimEvent(event), {
      method: 'Network.responseReceived',
      params: {
        requestId: '7',
        timestamp: 3,
        type: 'Document',
        response: {
          status: 200,
          encodedDataLength: 180,
          protocol: 'http/1.1',
          mimeType: 'text/html',
          fromDiskCache: true,
          url: 'http://a.test/file',
          headers: { 'Content-Disposition': 'attachment; filename="x.bin"' },
          timing: {
            requestTime: 1,
            dnsStart: 0,
            dnsEnd: 1,
            connectStart: 1,
            connectEnd: 2,
            sslStart: -1,
            sslEnd: -1,
            sendStart: 2,
            sendEnd: 2.1,
            receiveHeadersEnd: 5,
          },
        },
      },
    })
  })

  it('keeps an initiator as its type and the URL of its first stack frame', () => {
    const event = {
      method: 'Network.requestWillBeSent',
      params: {
        requestId: '2',
        timestamp: 1,
        request: { url: 'http://a.test/app.js', method: 'GET', headers: { Accept: '*/*' } },
        initiator: { type: 'script', stack: { callFrames: [{ url: 'http://a.test/', lineNumber: 3 }] } },
      },
    } as unknown as NetworkEvent
    assert.deepEqual(trimEvent(event).params, {
      requestId: '2',
      timestamp: 1,
      request: { url: 'http://a.test/app.js', method: 'GET' },
      initiator: { type: 'script', url: 'http://a.test/' },
    })
  })
})

describe('parseGathered', () => {
  const load = gatheredLoad({
    url: 'http://a.test/',
    events: [
      {
        method: 'Network.requestWillBeSent',
        params: { requestId: '1', timestamp: 1, request: { url: 'http://a.test/' } },
      },
      { method: 'Network.requestServedFromCache', params: { requestId: '1' } },
    ],
    page: null,
    documents: ['http://a.test/'],
    ended: { error: null },
  })

  it('reads back what was gathered, through JSON', () => {
    assert.deepEqual(parseGathered(JSON.parse(JSON.stringify(load))), { ok: true, gathered: load })
  })

  it('refuses another version, naming both', () => {
    const read = parseGathered({ ...load, version: GATHERED_VERSION + 1 })
    assert.equal(read.ok, false)
    assert.match(read.ok ? '' : read.message, /version 2; this build reads version 1/)
  })

  it('refuses malformed data rather than computing nonsense from it', () => {
    const broken = [
      { ...load, network: [{ method: 'Network.loadingFinished', params: { requestId: '1' } }] },
      { ...load, network: [{ method: 'Network.somethingElse', params: { requestId: '1' } }] },
      { ...load, page: { navigation: null } },
      { ...load, ended: { error: 'timeout' } },
      { ...load, visual: { speedIndex: 'fast', visuallyComplete: 1, frameTimes: [] } },
      null,
    ]
    for (const value of broken) assert.equal(parseGathered(value).ok, false, JSON.stringify(value))
  })
})
