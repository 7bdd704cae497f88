/**
 * The browser side of the egress proxy's failure memory (latency/upstream-failures.ts):
 * after a navigation through the proxy failed with `net::ERR_TUNNEL_CONNECTION_FAILED`, ask that proxy why it could
 * not reach the target. The answer is Node's errno code, or null when the proxy does
 * not know (another kind of proxy, no recent failure, no answer within `timeoutMs`).
 * A connection the egress guard refused answers `EBLOCKED:<reason>:<address>`.
 *
 *   proxyUrlFromSwitch('127.0.0.1:9000')  // 'http://127.0.0.1:9000' (Chromium's --proxy-server value)
 *   await askProxyWhyUnreachable('http://127.0.0.1:9000', 'https://127.0.0.1:1/')  // 'ECONNREFUSED'
 */

import http from 'node:http'
import { parseBlockedCode } from './egress-guard.ts'
import { authorityOf, UPSTREAM_FAILURE_PATH } from './proxy-failure.ts'

/**
 * The proxy an https URL goes through, from a `--proxy-server` value: `host:port`,
 * `http://host:port`, or a per-scheme list like `http=a:1;https=b:2`. Only plain-http
 * proxies can be asked; anything else (socks5://, https://, direct://) gives null.
 */
export function proxyUrlFromSwitch(value: string): string | null {
  const rules = value.split(';').map((rule) => rule.trim())
  const chosen = rules.find((rule) => rule.startsWith('https=')) ?? rules.find((rule) => !rule.includes('='))
  if (!chosen) return null
  const server = chosen
    .replace(/^https=/, '')
    .split(',')[0]!
    .trim()
  const withScheme = /^[a-z0-9+.-]+:\/\//i.test(server) ? server : `http://${server}`
  try {
    const url = new URL(withScheme)
    return url.protocol === 'http:' && url.host ? `http://${url.host}` : null
  } catch {
    return null
  }
}

export async function askProxyWhyUnreachable(
  proxyUrl: string,
  targetUrl: string,
  timeoutMs = 1000,
): Promise<string | null> {
  const authority = authorityOf(targetUrl)
  if (!authority) return null
  let proxy: URL
  try {
    proxy = new URL(proxyUrl)
  } catch {
    return null
  }
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxy.port || 80,
        path: `${UPSTREAM_FAILURE_PATH}?authority=${encodeURIComponent(authority)}`,
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve(res.statusCode === 200 ? codeIn(body) : null))
        res.on('error', () => resolve(null))
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
  })
}

function codeIn(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed !== 'object' || parsed === null || !('code' in parsed)) return null
    if (typeof parsed.code !== 'string') return null
    return /^[A-Z0-9_]{1,40}$/.test(parsed.code) || parseBlockedCode(parsed.code) ? parsed.code : null
  } catch {
    return null
  }
}
