import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { browserCrashedError, httpError, navigationError, timeoutError } from './errors.ts'

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
