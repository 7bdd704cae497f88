import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  browserCrashedError,
  documentProxyErrno,
  failureTextFor,
  httpError,
  navigationError,
  timeoutError,
  upstreamError,
} from './errors.ts'
import type { NetworkEvent } from './network-events.ts'

describe('navigationError', () => {
  const cases: Array<[string, string]> = [
    ['net::ERR_NAME_NOT_RESOLVED', 'dns_failure'],
    ['net::ERR_NAME_RESOLUTION_FAILED', 'dns_failure'],
    ['net::ERR_CONNECTION_REFUSED', 'connection_refused'],
    ['net::ERR_CONNECTION_RESET', 'connection_reset'],
    ['net::ERR_CONNECTION_CLOSED', 'connection_reset'],
    ['net::ERR_EMPTY_RESPONSE', 'connection_reset'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls_error'],
    ['net::ERR_CERT_DATE_INVALID', 'tls_error'],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'tls_error'],
    ['net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 'tls_error'],
    ['net::ERR_TIMED_OUT', 'timeout'],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timeout'],
    ['Protocol error (Page.navigate): Cannot navigate to invalid URL', 'invalid_url'],
    ['net::ERR_INTERNET_DISCONNECTED', 'network_unavailable'],
    ['net::ERR_ABORTED', 'navigation_failed'],
    ['net::ERR_ADDRESS_UNREACHABLE', 'navigation_failed'],
    ['something new', 'navigation_failed'],
  ]
  for (const [errorText, code] of cases) {
    it(`${errorText} → ${code}`, () => {
      const error = navigationError(errorText)
      assert.equal(error.code, code)
      assert.ok(error.message.includes(errorText), 'the message keeps the browser’s own error text')
    })
  }
})

describe('other errors', () => {
  it('names the HTTP status', () => {
    assert.deepEqual(httpError(404), { code: 'http_error', message: 'The server answered HTTP 404.' })
  })
  it('says how long a timeout waited', () => {
    const error = timeoutError(3000)
    assert.equal(error.code, 'timeout')
    assert.match(error.message, /3 s/)
  })
  it('marks a crash', () => {
    assert.equal(browserCrashedError('pipe closed').code, 'browser_crashed')
  })
})

describe('upstreamError: what a direct connection would have reported', () => {
  const cases: Array<[string, string, string]> = [
    ['ECONNREFUSED', 'connection_refused', 'net::ERR_CONNECTION_REFUSED'],
    ['ENOTFOUND', 'dns_failure', 'net::ERR_NAME_NOT_RESOLVED'],
    ['EAI_AGAIN', 'dns_failure', 'net::ERR_NAME_NOT_RESOLVED'],
    ['ECONNRESET', 'connection_reset', 'net::ERR_CONNECTION_RESET'],
    ['ETIMEDOUT', 'timeout', 'net::ERR_CONNECTION_TIMED_OUT'],
    ['EHOSTUNREACH', 'navigation_failed', 'net::ERR_ADDRESS_UNREACHABLE'],
  ]
  for (const [errno, code, netError] of cases) {
    it(`${errno} → ${code}`, () => {
      const error = upstreamError(errno)
      assert.equal(error.code, code)
      assert.equal(error.code, navigationError(netError).code, 'same code as the direct net error')
      assert.ok(error.message.includes(netError) && error.message.includes(errno))
    })
  }
  it('keeps an unknown errno in the message', () => {
    assert.deepEqual(upstreamError('EWHATEVER').code, 'navigation_failed')
    assert.match(upstreamError('EWHATEVER').message, /EWHATEVER/)
  })
})

describe('documentProxyErrno', () => {
  const sent = (requestId: string, type: string): NetworkEvent => ({
    method: 'Network.requestWillBeSent',
    params: { requestId, timestamp: 1, type, request: { url: `http://x/${requestId}` } },
  })
  const answered = (requestId: string, status: number, headers: Record<string, string>): NetworkEvent => {
    // CDP's response carries headers beyond the fields NetworkEvent names.
    const response = { status, encodedDataLength: 9, headers }
    return {
      method: 'Network.responseReceived',
      params: { requestId, timestamp: 2, type: 'Document', response },
    }
  }

  it('reads the proxy’s errno from the document’s 502', () => {
    const events = [sent('1', 'Document'), answered('1', 502, { 'X-Wps-Proxy-Error': 'ECONNREFUSED' })]
    assert.equal(documentProxyErrno(events), 'ECONNREFUSED')
  })
  it('ignores a site’s own 502, the header on other statuses, and subresources', () => {
    assert.equal(documentProxyErrno([sent('1', 'Document'), answered('1', 502, {})]), null)
    assert.equal(
      documentProxyErrno([
        sent('1', 'Document'),
        answered('1', 200, { 'x-wps-proxy-error': 'ECONNREFUSED' }),
      ]),
      null,
    )
    const sub = [
      sent('1', 'Document'),
      answered('1', 200, {}),
      sent('2', 'Image'),
      answered('2', 502, { 'x-wps-proxy-error': 'ENOTFOUND' }),
    ]
    assert.equal(documentProxyErrno(sub), null)
  })
})

describe('a connection the egress guard refused', () => {
  it('is blocked_address, naming the address and its class', () => {
    const error = upstreamError('EBLOCKED:private:10.0.0.5')
    assert.equal(error.code, 'blocked_address')
    assert.equal(
      error.message,
      'The page tried to load 10.0.0.5 (a private address); only public addresses can be tested.',
    )
    assert.match(upstreamError('EBLOCKED:link-local:169.254.1.1').message, /\(a link-local address\)/)
    assert.match(upstreamError('EBLOCKED:unspecified:0.0.0.0').message, /\(an unspecified address\)/)
  })
  it('lists the request as failed the way Chromium lists a policy block', () => {
    assert.equal(
      failureTextFor('EBLOCKED:metadata:169.254.169.254'),
      'net::ERR_BLOCKED_BY_ADMINISTRATOR (169.254.169.254: metadata address)',
    )
    assert.equal(failureTextFor('ECONNREFUSED'), 'net::ERR_CONNECTION_REFUSED')
  })
  it('comes out of the document’s 502 header like any errno', () => {
    const events: NetworkEvent[] = [
      {
        method: 'Network.requestWillBeSent',
        params: { requestId: '1', timestamp: 1, type: 'Document', request: { url: 'http://x/' } },
      },
      {
        method: 'Network.responseReceived',
        params: {
          requestId: '1',
          timestamp: 2,
          type: 'Document',
          response: {
            status: 502,
            encodedDataLength: 9,
            headers: { 'x-wps-proxy-error': 'EBLOCKED:loopback:127.0.0.1' },
          } as never,
        },
      },
    ]
    assert.equal(documentProxyErrno(events), 'EBLOCKED:loopback:127.0.0.1')
    assert.equal(upstreamError(documentProxyErrno(events)!).code, 'blocked_address')
  })
})
