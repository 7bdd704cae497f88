/**
 * Why a measurement failed, as a stable code plus a sentence a person can act on.
 * Chromium reports navigation failures as net error names (`net::ERR_…`); these are
 * folded into the few codes of `MeasureErrorCode`.
 *
 *   navigationError('net::ERR_NAME_NOT_RESOLVED')
 *   // { code: 'dns_failure', message: 'The host name could not be resolved (net::ERR_NAME_NOT_RESOLVED).' }
 *   httpError(404)   // { code: 'http_error', message: 'The server answered HTTP 404.' }
 *
 * Behind the latency emulator the proxy connects instead of Chromium, so a refused
 * port or an unknown host reaches us as the proxy's errno (ECONNREFUSED, ENOTFOUND…)
 * instead of a net error. `upstreamError` turns it into the net error Chromium itself
 * would have reported (its own errno table, net/base/net_errors_posix.cc), so a region
 * behind the emulator reports the same code as a direct one:
 *
 *   upstreamError('ECONNREFUSED').code   // 'connection_refused'
 *
 * The proxy's egress guard (src/net/egress-guard.ts) refuses targets outside the public
 * address space; that failure has no Chromium counterpart and is reported as such:
 *
 *   upstreamError('EBLOCKED:private:10.0.0.5')
 *   // { code: 'blocked_address', message: 'The page tried to load 10.0.0.5 (a private address); …' }
 */
import { parseBlockedCode } from '../net/egress-guard.ts'
import type { NetworkEvent } from './network-events.ts'
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
  // Chromium sees no network interface but loopback (a machine or namespace with no network).
  [/ERR_INTERNET_DISCONNECTED/, 'network_unavailable', 'The measuring machine has no network connection'],
]

/** Map a Chromium navigation error text (e.g. from `Page.navigate`) to a code and message. */
export function navigationError(errorText: string): MeasureError {
  const [code, sentence] = classify(errorText)
  return { code, message: `${sentence} (${errorText}).` }
}

function classify(errorText: string): readonly [MeasureErrorCode, string] {
  for (const [pattern, code, sentence] of RULES) {
    if (pattern.test(errorText)) return [code, sentence]
  }
  return ['navigation_failed', 'The page could not be loaded']
}

/** What Chromium reports for a failed connect or name lookup with this errno (getaddrinfo's as Node names them). */
export const NET_ERROR_FOR_ERRNO: Readonly<Record<string, string>> = {
  ENOTFOUND: 'net::ERR_NAME_NOT_RESOLVED',
  EAI_AGAIN: 'net::ERR_NAME_NOT_RESOLVED',
  EAI_FAIL: 'net::ERR_NAME_RESOLUTION_FAILED',
  ECONNREFUSED: 'net::ERR_CONNECTION_REFUSED',
  ECONNRESET: 'net::ERR_CONNECTION_RESET',
  EPIPE: 'net::ERR_CONNECTION_RESET',
  ECONNABORTED: 'net::ERR_CONNECTION_ABORTED',
  ETIMEDOUT: 'net::ERR_CONNECTION_TIMED_OUT',
  EHOSTUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
  EHOSTDOWN: 'net::ERR_ADDRESS_UNREACHABLE',
  ENETUNREACH: 'net::ERR_INTERNET_DISCONNECTED',
  EADDRNOTAVAIL: 'net::ERR_ADDRESS_INVALID',
}

/** Chromium's name for a request the egress guard refused: what its own URL blocklist policy reports. */
export const BLOCKED_NET_ERROR = 'net::ERR_BLOCKED_BY_ADMINISTRATOR'

/** The failure text a request's entry gets when the proxy, not Chromium, failed to connect. */
export function failureTextFor(errno: string): string {
  const blocked = parseBlockedCode(errno)
  if (blocked) return `${BLOCKED_NET_ERROR} (${blocked.address}: ${blocked.reason} address)`
  return NET_ERROR_FOR_ERRNO[errno] ?? errno
}

/** The latency emulator's proxy could not reach the target: report what a direct connection would have. */
export function upstreamError(errno: string): MeasureError {
  const blocked = parseBlockedCode(errno)
  if (blocked) {
    const article = /^[aeiou]/.test(blocked.reason) ? 'an' : 'a'
    return {
      code: 'blocked_address',
      message: `The page tried to load ${blocked.address} (${article} ${blocked.reason} address); only public addresses can be tested.`,
    }
  }
  const netError = NET_ERROR_FOR_ERRNO[errno]
  if (!netError) {
    return {
      code: 'navigation_failed',
      message: `The server could not be reached (${errno}, via the latency emulator).`,
    }
  }
  const [code, sentence] = classify(netError)
  return { code, message: `${sentence} (${netError}; the latency emulator's proxy saw ${errno}).` }
}

/**
 * The errno in the latency proxy's own error answer (`x-wps-proxy-error`), when that
 * answer, not the site, is the navigation's document (plain http). Null otherwise.
 */
export function documentProxyErrno(events: readonly NetworkEvent[]): string | null {
  let documentId: string | undefined
  let errno: string | null = null
  for (const event of events) {
    if (
      event.method === 'Network.requestWillBeSent' &&
      documentId === undefined &&
      event.params.type === 'Document'
    ) {
      documentId = event.params.requestId
    }
    if (event.method !== 'Network.responseReceived' || event.params.requestId !== documentId) continue
    // A later response of the same request (after a redirect) replaces an earlier one.
    errno = responseProxyErrno(event.params.response)
  }
  return errno
}

/** The errno of a response that is the proxy's own error answer (502 + `x-wps-proxy-error`), else null. */
export function responseProxyErrno(response: { status: number }): string | null {
  // CDP's params carry the headers; our NetworkEvent type names only the fields the summary reads.
  const { headers } = response as { headers?: Record<string, unknown> }
  const found = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'x-wps-proxy-error')
  return response.status === 502 && typeof found?.[1] === 'string' ? found[1].trim() : null
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
