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
 */
import { failureTextFor, responseProxyErrno } from './errors.ts'
import { isNetworkUrl, type NetworkEvent } from './network-events.ts'
import type { RequestEntry } from './types.ts'

export interface NetworkSummary {
  requests: number
  transferBytes: number
  entries: RequestEntry[]
  /** The navigation's document after its redirects: where the page ended up and its status. */
  document: { url: string; status: number | null } | null
}

interface Open {
  entry: RequestEntry
  receivedBytes: number
}

export function summariseNetwork(events: readonly NetworkEvent[]): NetworkSummary {
  const entries: RequestEntry[] = []
  const open = new Map<string, Open>()
  let origin: number | undefined
  let documentId: string | undefined
  let documentEntry: RequestEntry | undefined
  const proxyFailed = new Map<RequestEntry, string>()
  const ms = (timestamp: number) => Math.round((timestamp - (origin ?? timestamp)) * 10_000) / 10

  const settle = (o: Open, end: number, bytes: number) => {
    o.entry.end = end
    o.entry.bytes = bytes
  }

  for (const event of events) {
    if (event.method === 'Network.requestWillBeSent') {
      const p = event.params
      const previous = open.get(p.requestId)
      if (previous && p.redirectResponse) {
        previous.entry.status = p.redirectResponse.status
        settle(previous, ms(p.timestamp), p.redirectResponse.encodedDataLength)
        open.delete(p.requestId)
      }
      if (!isNetworkUrl(p.request.url)) continue
      origin ??= p.timestamp
      const type = (p.type ?? 'other').toLowerCase()
      if (documentId === undefined && type === 'document') documentId = p.requestId
      const entry: RequestEntry = {
        url: p.request.url,
        type,
        status: null,
        start: ms(p.timestamp),
        end: null,
        bytes: 0,
      }
      entries.push(entry)
      if (p.requestId === documentId) documentEntry = entry
      open.set(p.requestId, { entry, receivedBytes: 0 })
      continue
    }
    const o = open.get(event.params.requestId)
    if (!o) continue
    switch (event.method) {
      case 'Network.responseReceived':
        o.entry.status = event.params.response.status
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
        o.entry.bytes = o.receivedBytes
        break
      case 'Network.loadingFinished':
        settle(o, ms(event.params.timestamp), event.params.encodedDataLength)
        open.delete(event.params.requestId)
        break
      case 'Network.loadingFailed':
        o.entry.failure = event.params.errorText
        settle(o, ms(event.params.timestamp), o.receivedBytes)
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
  return { requests: entries.length, transferBytes, entries, document }
}
