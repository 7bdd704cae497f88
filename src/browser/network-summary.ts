/**
 * The computing half of the network log: raw CDP `Network.*` events in arrival order
 * become the page load's request list, request count and bytes on the wire.
 *
 *   const { requests, transferBytes, entries, document } = summariseNetwork(log.events)
 *
 * Counting rules: every request the page made counts, cross-origin included, and each
 * redirect hop is a request of its own (it cost a round trip and bytes). `data:` and
 * `blob:` URLs never touch the network and are left out. Bytes are CDP's
 * `encodedDataLength`: headers + body as received; for a request that never finished,
 * what had arrived so far. Behind our proxy, a request it could not connect (or was not
 * allowed to: the egress guard) comes back as its own 502 with `x-wps-proxy-error`; such
 * an entry is listed as failed, with no status and no bytes, as a direct failure would be.
 *
 * Each entry also carries what a waterfall shows: method, protocol, priority, MIME type,
 * initiator, decoded body size and the HAR timing phases (timings.ts); `fromCache` when
 * Chromium answered it from the context's cache (a repeat view), not the network.
 */
import { failureTextFor, responseProxyErrno } from './errors.ts'
import {
  type CdpResponse,
  isNetworkUrl,
  type NetworkEvent,
  type RequestWillBeSent,
} from './network-events.ts'
import { harTimings } from './timings.ts'
import type { RequestEntry } from './types.ts'

export interface NetworkSummary {
  requests: number
  transferBytes: number
  entries: RequestEntry[]
  /** The navigation's document after its redirects: where the page ended up and its status. */
  document: { url: string; status: number | null } | null
  /** When the first request was sent (epoch ms), or null when there was none. */
  startedAt: number | null
}

interface Open {
  entry: RequestEntry
  receivedBytes: number
  decodedBytes: number
  /** CDP timestamp (s) of the request being sent, and its response. */
  sentAt: number
  response?: CdpResponse
}

function initiatorOf(p: RequestWillBeSent): RequestEntry['initiator'] {
  if (!p.initiator) return undefined
  const url = p.initiator.url ?? p.initiator.stack?.callFrames[0]?.url
  return url ? { type: p.initiator.type, url } : { type: p.initiator.type }
}

export function summariseNetwork(events: readonly NetworkEvent[]): NetworkSummary {
  const entries: RequestEntry[] = []
  const open = new Map<string, Open>()
  let origin: number | undefined
  let documentId: string | undefined
  let documentEntry: RequestEntry | undefined
  let startedAt: number | null = null
  const proxyFailed = new Map<RequestEntry, string>()
  const ms = (timestamp: number) => Math.round((timestamp - (origin ?? timestamp)) * 10_000) / 10

  const settle = (o: Open, endedAt: number, bytes: number) => {
    o.entry.end = ms(endedAt)
    o.entry.bytes = bytes
    o.entry.decodedBytes = o.decodedBytes
    o.entry.timings = harTimings(o.response?.timing, o.sentAt, endedAt)
  }
  const respond = (o: Open, response: CdpResponse) => {
    o.response = response
    o.entry.status = response.status
    if (response.protocol) o.entry.protocol = response.protocol
    if (response.mimeType) o.entry.mimeType = response.mimeType
    if (response.fromDiskCache) o.entry.fromCache = true
  }

  for (const event of events) {
    if (event.method === 'Network.requestWillBeSent') {
      const p = event.params
      const previous = open.get(p.requestId)
      if (previous && p.redirectResponse) {
        respond(previous, p.redirectResponse)
        settle(previous, p.timestamp, p.redirectResponse.encodedDataLength)
        open.delete(p.requestId)
      }
      if (!isNetworkUrl(p.request.url)) continue
      origin ??= p.timestamp
      if (startedAt === null && p.wallTime !== undefined) startedAt = Math.round(p.wallTime * 1000)
      const type = (p.type ?? 'other').toLowerCase()
      if (documentId === undefined && type === 'document') documentId = p.requestId
      const entry: RequestEntry = {
        url: p.request.url,
        type,
        status: null,
        start: ms(p.timestamp),
        end: null,
        bytes: 0,
        method: p.request.method ?? 'GET',
      }
      if (p.request.initialPriority) entry.priority = p.request.initialPriority
      const initiator = initiatorOf(p)
      if (initiator) entry.initiator = initiator
      entries.push(entry)
      if (p.requestId === documentId) documentEntry = entry
      open.set(p.requestId, { entry, receivedBytes: 0, decodedBytes: 0, sentAt: p.timestamp })
      continue
    }
    const o = open.get(event.params.requestId)
    if (!o) continue
    switch (event.method) {
      case 'Network.responseReceived':
        respond(o, event.params.response)
        o.entry.type = event.params.type.toLowerCase()
        o.receivedBytes += event.params.response.encodedDataLength
        o.entry.bytes = o.receivedBytes
        {
          const errno = responseProxyErrno(event.params.response)
          if (errno) proxyFailed.set(o.entry, errno)
        }
        break
      case 'Network.dataReceived':
        o.receivedBytes += event.params.encodedDataLength
        o.decodedBytes += event.params.dataLength ?? 0
        o.entry.bytes = o.receivedBytes
        break
      case 'Network.loadingFinished':
        settle(o, event.params.timestamp, event.params.encodedDataLength)
        open.delete(event.params.requestId)
        break
      case 'Network.requestServedFromCache':
        o.entry.fromCache = true
        break
      case 'Network.loadingFailed':
        o.entry.failure = event.params.errorText
        settle(o, event.params.timestamp, o.receivedBytes)
        open.delete(event.params.requestId)
        break
    }
  }

  for (const [entry, errno] of proxyFailed) {
    entry.status = null
    entry.bytes = 0
    entry.failure = failureTextFor(errno)
  }
  const transferBytes = entries.reduce((sum, e) => sum + e.bytes, 0)
  const document = documentEntry ? { url: documentEntry.url, status: documentEntry.status } : null
  return { requests: entries.length, transferBytes, entries, document, startedAt }
}
