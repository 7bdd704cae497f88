/**
 * The contract between the egress proxy (`latency/upstream-failures.ts`, which remembers
 * why it could not reach a target) and the browser that asks it (`ask-proxy.ts`): the
 * path it answers on and how a target is named — as Chromium's CONNECT names it. A leaf,
 * so the browser layer and the proxy need not import each other.
 *
 *   authorityOf('https://Example.com/x')   // 'example.com:443'
 *   `GET ${UPSTREAM_FAILURE_PATH}?authority=example.com:443`   // asked of the proxy itself
 */

export const UPSTREAM_FAILURE_PATH = '/upstream-failure'

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' }

/** `host:port` of a URL, default port filled in, IPv6 in brackets; null for what no proxy connects to. */
export function authorityOf(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol]
  if (!port || !parsed.hostname) return null
  return `${parsed.hostname}:${port}`
}
