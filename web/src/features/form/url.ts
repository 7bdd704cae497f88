/**
 * Client-side URL check: catches what is obviously wrong before a round trip,
 * and leaves the real policy (private addresses, DNS, normalisation) to the
 * server, whose verdict is shown the same way.
 *
 *   checkUrl('example.com')  // { ok: true, url: 'https://example.com/' }
 *   checkUrl('ftp://x')      // { ok: false, message: 'Only http:// and https:// URLs can be tested.' }
 */

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string }

const hasScheme = /^[a-z][a-z0-9+.-]*:/i

export function checkUrl(input: string): UrlCheck {
  const text = input.trim()
  if (text === '') return { ok: false, message: 'Enter a URL to test.' }
  // People type "example.com"; a bare host or host:port is meant as https.
  const candidate = hasScheme.test(text) && !/^[^/:]+:\d+(\/|$)/.test(text) ? text : `https://${text}`
  let parsed: URL
  try {
    parsed = new URL(candidate)
  } catch {
    return { ok: false, message: 'That doesn’t look like a URL. Try something like https://example.com' }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: 'Only http:// and https:// URLs can be tested.' }
  }
  if (parsed.hostname === '' || /\s/.test(text)) {
    return { ok: false, message: 'That doesn’t look like a URL. Try something like https://example.com' }
  }
  return { ok: true, url: parsed.href }
}
