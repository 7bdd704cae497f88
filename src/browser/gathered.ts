/**
 * What one page load gathered, as plain data: the raw material every number of a
 * measurement is computed from (compute.ts), kept beside the row so the numbers can be
 * computed again later — with a metric fixed since — as Lighthouse's gather/audit split
 * allows. Live measurement and recomputation read the same shape through the same code.
 *
 *   const gathered = gatheredLoad({ url, events: slot.log.events, page: raw, documents, ended })
 *   computeMeasurement(gathered).metrics.lcp   // what the row said
 *   parseGathered(JSON.parse(stored))          // null unless it is a gathered load we can read
 *
 * It holds:
 * - `network`: the CDP `Network.*` events of the load in arrival order, trimmed to the
 *   fields the summary, the HAR timings and the error wording read (two response
 *   headers of all: the proxy's error mark and Content-Disposition);
 * - `page`: the PerformanceObserver entries (navigation timing, paint, LCP candidates,
 *   layout shifts, long tasks) as the in-page collector read them, or null when the
 *   page shown was not the site (an error page);
 * - `documents`: the main frame's committed documents (client-side redirects);
 * - `ended`: what was found live and cannot be recomputed — a timeout, a crash, a
 *   navigation loop, an unresponsive page, Chromium's navigation error text, the
 *   proxy's errno for an unreachable target;
 * - `visual`: Speed Index and visually complete, computed in the runner from the
 *   full filmstrip (its JPEGs are far too large to keep whole), with the time of
 *   every frame painted. These two are carried over, not recomputed.
 *
 * `version` says which shape this is; a reader keeps reading every version it knows
 * (there is one so far) and refuses the rest with a clear message. About 1 KB per
 * request before compression (docs: "How a page is measured").
 */

import type { CdpResponse, NetworkEvent, RequestWillBeSent, ResourceTiming } from './network-events.ts'
import { asRawPageMetrics, type RawPageMetrics } from './page-script.ts'

/** As types.ts's MeasureError (not imported: types.ts refers to this module). */
interface MeasureError {
  code: string
  message: string
}

export const GATHERED_VERSION = 1

/** Facts about how the load ended, found live (see the module comment). */
export interface GatheredEnd {
  /** Timeout, crash, loop or unresponsive page: the error known before the numbers are computed. */
  error: MeasureError | null
  /** Chromium's text for a failed navigation (`Page.navigate`'s errorText). */
  navigationErrorText?: string
  /** The egress proxy's errno when it could not reach the target. */
  unreachable?: string
}

export interface GatheredVisual {
  speedIndex: number | null
  visuallyComplete: number | null
  /** ms from navigation start of every frame the screencast delivered after navigation began. */
  frameTimes: number[]
}

export interface GatheredLoad {
  version: typeof GATHERED_VERSION
  /** The URL that was asked for. */
  url: string
  network: NetworkEvent[]
  page: RawPageMetrics | null
  documents: string[]
  ended: GatheredEnd
  visual?: GatheredVisual
}

export interface GatherInput {
  url: string
  events: readonly NetworkEvent[]
  page: RawPageMetrics | null
  documents: readonly string[]
  ended: GatheredEnd
}

export function gatheredLoad(input: GatherInput): GatheredLoad {
  return {
    version: GATHERED_VERSION,
    url: input.url,
    network: input.events.map(trimEvent),
    page: input.page,
    documents: [...input.documents],
    ended: input.ended,
  }
}

/** Response headers anything downstream reads (errors.ts): the proxy's error mark and the download name. */
const KEPT_HEADERS = ['x-wps-proxy-error', 'content-disposition']

function trimTiming(t: ResourceTiming): ResourceTiming {
  return {
    requestTime: t.requestTime,
    dnsStart: t.dnsStart,
    dnsEnd: t.dnsEnd,
    connectStart: t.connectStart,
    connectEnd: t.connectEnd,
    sslStart: t.sslStart,
    sslEnd: t.sslEnd,
    sendStart: t.sendStart,
    sendEnd: t.sendEnd,
    receiveHeadersEnd: t.receiveHeadersEnd,
  }
}

function trimResponse(response: CdpResponse): CdpResponse {
  // CDP's response carries url and headers too; errors.ts reads them, so both are kept (headers: two).
  const { headers, url } = response as CdpResponse & { headers?: Record<string, unknown>; url?: unknown }
  const kept = Object.entries(headers ?? {}).filter(
    ([name, value]) => KEPT_HEADERS.includes(name.toLowerCase()) && typeof value === 'string',
  )
  const out: CdpResponse & { url?: string; headers?: Record<string, string> } = {
    status: response.status,
    encodedDataLength: response.encodedDataLength,
  }
  if (response.protocol !== undefined) out.protocol = response.protocol
  if (response.mimeType !== undefined) out.mimeType = response.mimeType
  if (response.timing) out.timing = trimTiming(response.timing)
  if (response.fromDiskCache) out.fromDiskCache = true
  if (typeof url === 'string') out.url = url
  if (kept.length > 0) out.headers = Object.fromEntries(kept) as Record<string, string>
  return out
}

function trimRequest(p: RequestWillBeSent): RequestWillBeSent {
  const out: RequestWillBeSent = {
    requestId: p.requestId,
    timestamp: p.timestamp,
    request: { url: p.request.url },
  }
  if (p.wallTime !== undefined) out.wallTime = p.wallTime
  if (p.type !== undefined) out.type = p.type
  if (p.request.method !== undefined) out.request.method = p.request.method
  if (p.request.initialPriority !== undefined) out.request.initialPriority = p.request.initialPriority
  if (p.initiator) {
    const url = p.initiator.url ?? p.initiator.stack?.callFrames[0]?.url
    out.initiator = url ? { type: p.initiator.type, url } : { type: p.initiator.type }
  }
  if (p.redirectResponse) out.redirectResponse = trimResponse(p.redirectResponse)
  return out
}

/** One CDP event with only what is read downstream. */
export function trimEvent(event: NetworkEvent): NetworkEvent {
  switch (event.method) {
    case 'Network.requestWillBeSent':
      return { method: event.method, params: trimRequest(event.params) }
    case 'Network.responseReceived': {
      const p = event.params
      return {
        method: event.method,
        params: {
          requestId: p.requestId,
          timestamp: p.timestamp,
          type: p.type,
          response: trimResponse(p.response),
        },
      }
    }
    case 'Network.dataReceived': {
      const p = event.params
      return {
        method: event.method,
        params: {
          requestId: p.requestId,
          encodedDataLength: p.encodedDataLength,
          ...(p.dataLength === undefined ? {} : { dataLength: p.dataLength }),
        },
      }
    }
    case 'Network.loadingFinished': {
      const p = event.params
      return {
        method: event.method,
        params: { requestId: p.requestId, timestamp: p.timestamp, encodedDataLength: p.encodedDataLength },
      }
    }
    case 'Network.loadingFailed': {
      const p = event.params
      return {
        method: event.method,
        params: { requestId: p.requestId, timestamp: p.timestamp, errorText: p.errorText },
      }
    }
    case 'Network.requestServedFromCache':
      return { method: event.method, params: { requestId: event.params.requestId } }
  }
}

type Check = (v: unknown) => boolean

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isString = (v: unknown): v is string => typeof v === 'string'
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'
/** The field may also be missing. */
const optional =
  (is: Check): Check =>
  (v) =>
    v === undefined || is(v)

/**
 * The one validator factory: a check that a value is an object whose named fields each
 * pass their own check (other fields are let through; the trims above dropped them).
 *
 *   shape({ code: isString, message: optional(isString) })({ code: 'timeout' })   // true
 */
function shape(fields: Record<string, Check>): (v: unknown) => v is Record<string, unknown> {
  const checks = Object.entries(fields)
  return (v: unknown): v is Record<string, unknown> =>
    isRecord(v) && checks.every(([name, is]) => is(v[name]))
}

const TIMING_FIELDS = [
  'requestTime',
  'dnsStart',
  'dnsEnd',
  'connectStart',
  'connectEnd',
  'sslStart',
  'sslEnd',
  'sendStart',
  'sendEnd',
  'receiveHeadersEnd',
]

const isTiming = shape(Object.fromEntries(TIMING_FIELDS.map((field) => [field, isNumber])))

const isResponse = shape({
  status: isNumber,
  encodedDataLength: isNumber,
  protocol: optional(isString),
  mimeType: optional(isString),
  url: optional(isString),
  timing: optional(isTiming),
  headers: optional(isRecord),
  fromDiskCache: optional(isBoolean),
})

/** Each kept CDP event's params, beside the `requestId` every one of them has. */
const EVENT_PARAMS = new Map<string, Check>([
  [
    'Network.requestWillBeSent',
    shape({
      timestamp: isNumber,
      request: shape({ url: isString, method: optional(isString), initialPriority: optional(isString) }),
      type: optional(isString),
      wallTime: optional(isNumber),
      initiator: optional(shape({ type: isString, url: optional(isString) })),
      redirectResponse: optional(isResponse),
    }),
  ],
  ['Network.responseReceived', shape({ timestamp: isNumber, type: isString, response: isResponse })],
  ['Network.dataReceived', shape({ encodedDataLength: isNumber, dataLength: optional(isNumber) })],
  ['Network.loadingFinished', shape({ timestamp: isNumber, encodedDataLength: isNumber })],
  ['Network.loadingFailed', shape({ timestamp: isNumber, errorText: isString })],
  ['Network.requestServedFromCache', shape({})],
])

function isEvent(v: unknown): v is NetworkEvent {
  if (!isRecord(v) || !isRecord(v.params) || !isString(v.params.requestId)) return false
  const params = isString(v.method) ? EVENT_PARAMS.get(v.method) : undefined
  return params?.(v.params) === true
}

const isErrorShape = shape({ code: isString, message: isString })
const isError = (v: unknown): v is MeasureError => isErrorShape(v)

const isEnded = shape({
  error: (e) => e === null || isError(e),
  navigationErrorText: optional(isString),
  unreachable: optional(isString),
})

function parseVisual(v: unknown): GatheredVisual | null | undefined {
  if (v === undefined) return undefined
  if (!isRecord(v) || !Array.isArray(v.frameTimes) || !v.frameTimes.every(isNumber)) return null
  const figure = (x: unknown) => x === null || isNumber(x)
  if (!figure(v.speedIndex) || !figure(v.visuallyComplete)) return null
  return {
    speedIndex: v.speedIndex as number | null,
    visuallyComplete: v.visuallyComplete as number | null,
    frameTimes: v.frameTimes,
  }
}

export type ParsedGathered = { ok: true; gathered: GatheredLoad } | { ok: false; message: string }

/** A stored gathered load, checked field by field (it comes from disk or another machine). */
export function parseGathered(value: unknown): ParsedGathered {
  const bad = (why: string): ParsedGathered => ({ ok: false, message: `not a gathered load: ${why}` })
  if (!isRecord(value)) return bad('not an object')
  if (value.version !== GATHERED_VERSION) {
    return {
      ok: false,
      message: `gathered data of version ${String(value.version)}; this build reads version ${GATHERED_VERSION}`,
    }
  }
  if (!isString(value.url)) return bad('no url')
  if (!Array.isArray(value.network) || !value.network.every(isEvent))
    return bad('a network event is malformed')
  const page = value.page === null ? null : asRawPageMetrics(value.page)
  if (value.page !== null && page === null) return bad('the page entries are malformed')
  if (!Array.isArray(value.documents) || !value.documents.every(isString)) return bad('documents')
  const ended = value.ended
  if (!isEnded(ended)) return bad('how the load ended')
  const visual = parseVisual(value.visual)
  if (visual === null) return bad('the visual figures')
  const end: GatheredEnd = { error: ended.error as MeasureError | null }
  if (isString(ended.navigationErrorText)) end.navigationErrorText = ended.navigationErrorText
  if (isString(ended.unreachable)) end.unreachable = ended.unreachable
  return {
    ok: true,
    gathered: {
      version: GATHERED_VERSION,
      url: value.url,
      network: value.network,
      page,
      documents: value.documents,
      ended: end,
      ...(visual ? { visual } : {}),
    },
  }
}
