/**
 * Why a measurement failed, as a stable code plus a sentence a person can act on.
 * Chromium reports navigation failures as net error names (`net::ERR_…`); these are
 * folded into the few codes of `MeasureErrorCode`.
 *
 *   navigationError('net::ERR_NAME_NOT_RESOLVED')
 *   // { code: 'dns_failure', message: 'The host name could not be resolved (net::ERR_NAME_NOT_RESOLVED).' }
 *   httpError(404)   // { code: 'http_error', message: 'The server answered HTTP 404.' }
 */
import type { MeasureError, MeasureErrorCode } from './types.ts'

const RULES: ReadonlyArray<readonly [RegExp, MeasureErrorCode, string]> = [
  [
    /ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_DNS_/,
    'dns_failure',
    'The host name could not be resolved',
  ],
  [/ERR_CONNECTION_REFUSED/, 'connection_refused', 'The server refused the connection'],
  [
    /ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_CONNECTION_ABORTED|ERR_EMPTY_RESPONSE/,
    'connection_reset',
    'The server closed the connection before answering',
  ],
  [
    /ERR_CERT_|ERR_SSL_|ERR_BAD_SSL_|_TLS_/,
    'tls_error',
    'The TLS (HTTPS) connection could not be established',
  ],
  [/ERR_TIMED_OUT|ERR_CONNECTION_TIMED_OUT/, 'timeout', 'The server did not answer in time'],
  [/ERR_INVALID_URL|ERR_UNKNOWN_URL_SCHEME|invalid URL/i, 'invalid_url', 'The URL cannot be loaded'],
]

/** Map a Chromium navigation error text (e.g. from `Page.navigate`) to a code and message. */
export function navigationError(errorText: string): MeasureError {
  for (const [pattern, code, sentence] of RULES) {
    if (pattern.test(errorText)) return { code, message: `${sentence} (${errorText}).` }
  }
  return { code: 'navigation_failed', message: `The page could not be loaded (${errorText}).` }
}

export function httpError(status: number): MeasureError {
  return { code: 'http_error', message: `The server answered HTTP ${status}.` }
}

export function timeoutError(timeoutMs: number): MeasureError {
  return {
    code: 'timeout',
    message: `The page did not finish loading within ${timeoutMs / 1000} s; numbers are what was measured until then.`,
  }
}

export function browserCrashedError(detail: string): MeasureError {
  return { code: 'browser_crashed', message: `The browser crashed during the measurement (${detail}).` }
}
