/**
 * Words for failures. A region's error arrives as `{ code, message }`; the code
 * picks a short friendly title and the message explains the detail. Server
 * refusals of a submitted URL become one sentence shown under the input.
 *
 *   errorTitle('dns_failure')                       // "Domain not found"
 *   submitErrorText('rate_limited', 'Slow down', 12) // "Slow down. Try again in 12 s."
 *   apiKeyErrorText(true)                           // "This server did not accept that API key. …"
 */

const titles: Record<string, string> = {
  timeout: 'Timed out',
  dns_failure: 'Domain not found',
  connection_refused: 'Connection refused',
  connection_reset: 'Connection reset',
  tls_error: 'TLS / certificate error',
  http_error: 'HTTP error',
  blocked_address: 'Address not allowed',
  invalid_url: 'Invalid URL',
  navigation_failed: 'Navigation failed',
  browser_crashed: 'Browser crashed',
  page_unresponsive: 'Page stopped responding',
  navigation_loop: 'Navigation loop',
  download: 'A download, not a page',
  runner_lost: 'The measuring browser stopped',
  node_lost: 'Region went away',
  node_shutdown: 'Server stopped',
  internal: 'Something went wrong on our side',
  unknown_region: 'Unknown region',
  rate_limited: 'Too many tests started',
  unauthorized: 'API key needed',
  not_found: 'Not found',
}

export function errorTitle(code: string): string {
  return titles[code] ?? 'Failed'
}

/** The inline message for a refused `POST /api/tests`. */
export function submitErrorText(code: string, message: string, retryAfterSeconds: number | null): string {
  const detail = message.trim() || errorTitle(code)
  if (code === 'rate_limited') {
    // Retry-After is the precise figure; the server's own "try again in a minute" is rounded.
    const reason = detail.replace(/[;,.]?\s*try again.*$/i, '') || errorTitle(code)
    const wait = retryAfterSeconds === null ? 'in a moment' : `in ${retryAfterSeconds} s`
    return `${reason.replace(/\.?$/, '.')} Try again ${wait}.`
  }
  return detail
}

/** The inline message for a start refused for its API key: missing, or not one this server knows. */
export function apiKeyErrorText(keyWasSent: boolean): string {
  return keyWasSent
    ? 'This server did not accept that API key. Check it, or ask whoever runs this server for a valid one.'
    : 'This server needs an API key to start a test. Enter your key in the API key field.'
}
