/**
 * HAR 1.2 timing phases of one request, from Chromium's own record of it (CDP
 * `Network.ResourceTiming`), as DevTools and chrome-har split them:
 *
 *   harTimings(response.timing, sentAt, endedAt)
 *   // → { blocked: 1.2, dns: 0.4, connect: 0.9, ssl: -1, send: 0.1, wait: 301.5, receive: 2.3 }
 *
 * `blocked` runs from the request being sent (`requestWillBeSent`) to the first of DNS,
 * connect or send; `connect` includes `ssl`, as HAR has it; -1 marks a phase that did
 * not happen (a reused connection has no `dns` or `connect`, plain http no `ssl`). A
 * request without timing (it failed before a response) spent all its time `blocked`.
 * Times in seconds are CDP's monotonic timestamps; the phases are ms, to 0.1 ms.
 */
import type { ResourceTiming } from './network-events.ts'
import type { RequestTimings } from './types.ts'

const round = (ms: number) => Math.round(ms * 10) / 10
const phase = (start: number, end: number) => (start >= 0 && end >= start ? round(end - start) : -1)

export function harTimings(
  timing: ResourceTiming | undefined,
  /** CDP timestamp (s) of `requestWillBeSent`. */
  sentAt: number,
  /** CDP timestamp (s) when the response had fully arrived (or the request ended). */
  endedAt: number,
): RequestTimings {
  const total = Math.max(0, (endedAt - sentAt) * 1000)
  if (!timing) return { blocked: round(total), dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 }
  const offset = (timing.requestTime - sentAt) * 1000
  const firstStep = [timing.dnsStart, timing.connectStart, timing.sendStart].find((t) => t >= 0) ?? 0
  const headersAt = Math.max(timing.receiveHeadersEnd, timing.sendEnd, 0)
  return {
    blocked: round(Math.max(0, offset + firstStep)),
    dns: phase(timing.dnsStart, timing.dnsEnd),
    connect: phase(timing.connectStart, timing.connectEnd),
    ssl: phase(timing.sslStart, timing.sslEnd),
    send: Math.max(0, phase(timing.sendStart, timing.sendEnd)),
    wait: Math.max(0, phase(timing.sendEnd, timing.receiveHeadersEnd)),
    receive: round(Math.max(0, (endedAt - timing.requestTime) * 1000 - headersAt)),
  }
}
