/**
 * What the latency proxy remembers about targets it could not reach, so a browser
 * behind it can still learn *why*. Through a proxy, Chromium no longer connects
 * itself: a refused port or an unknown host becomes the proxy's failure, and for a
 * CONNECT tunnel (https) Chromium throws the proxy's answer away and reports only
 * `net::ERR_TUNNEL_CONNECTION_FAILED` — whatever status, header or way of closing the
 * proxy picks (all measured: 502/503/504 → TUNNEL_CONNECTION_FAILED, close → EMPTY_RESPONSE,
 * reset or 200-then-reset → CONNECTION_RESET; never CONNECTION_REFUSED or NAME_NOT_RESOLVED).
 * So the proxy notes each failure by authority, and answers
 * `GET /upstream-failure?authority=host:port` (origin-form: a request addressed to the
 * proxy itself, which a browser never sends to a proxy) with the latest one.
 *
 *   const failures = new UpstreamFailures()
 *   failures.note('127.0.0.1:9', 'ECONNREFUSED')
 *   failures.latest('127.0.0.1:9')  // { code: 'ECONNREFUSED', ageMs: 3 }
 *   authorityOf('https://Example.com/x')  // 'example.com:443' — as Chromium's CONNECT names it
 *
 * Entries live `ttlMs` (default 60 s) and at most `capacity` are kept: the browser asks
 * right after its navigation failed, so only recent failures matter.
 */

import { performance } from 'node:perf_hooks'
import { authorityOf, UPSTREAM_FAILURE_PATH } from '../net/proxy-failure.ts'

// the wire contract with the browser side lives in the shared leaf net/
export { authorityOf, UPSTREAM_FAILURE_PATH }

/** Node's errno code for the failed connect, e.g. ECONNREFUSED, ENOTFOUND, ETIMEDOUT. */
export interface UpstreamFailure {
  code: string
  ageMs: number
}

export class UpstreamFailures {
  private readonly byAuthority = new Map<string, { code: string; at: number }>()

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 256,
  ) {}

  note(authority: string, code: string, now = performance.now()): void {
    const key = authority.toLowerCase()
    // Re-inserting moves the entry to the end, so the Map's order is oldest first.
    this.byAuthority.delete(key)
    this.byAuthority.set(key, { code, at: now })
    for (const oldest of this.byAuthority.keys()) {
      if (this.byAuthority.size <= this.capacity) break
      this.byAuthority.delete(oldest)
    }
  }

  /** The target connected after all: an old failure must not explain a later one. */
  forget(authority: string): void {
    this.byAuthority.delete(authority.toLowerCase())
  }

  latest(authority: string, now = performance.now()): UpstreamFailure | null {
    const entry = this.byAuthority.get(authority.toLowerCase())
    if (!entry || now - entry.at > this.ttlMs) return null
    return { code: entry.code, ageMs: Math.round(now - entry.at) }
  }
}
