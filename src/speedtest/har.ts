/**
 * A whole test as one HAR 1.2 file (the HTTP Archive that DevTools, WebPageTest and
 * every HAR viewer read): a page per region row, its requests as entries with
 * `pageref`, built from the rows' own network logs (RequestEntry, with CDP's timing
 * phases already split the HAR way in the browser layer).
 *
 *   const har = toHar(test)   // { log: { version: '1.2', creator, pages: [...], entries: [...] } }
 *   har.log.entries.filter((e) => e.pageref === har.log.pages[0].id).length === test.results[0].requests
 *
 * What the rows do not keep is left as HAR says to: headers, cookies and query data are
 * empty lists (the query string is taken from the URL), sizes not known are -1. Extra
 * fields carry what DevTools' own HAR export does: `_priority`, `_resourceType`,
 * `_initiator`, `_transferSize`, `_error`.
 */
import type { RequestEntry, RequestTimings } from '../browser/types.ts'
import type { RegionResult, SpeedTest } from './model.ts'

export interface Har {
  log: {
    version: '1.2'
    creator: { name: string; version: string }
    pages: HarPage[]
    entries: HarEntry[]
  }
}

export interface HarPage {
  startedDateTime: string
  id: string
  title: string
  pageTimings: { onContentLoad: number; onLoad: number }
}

export interface HarEntry {
  pageref: string
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: []
    headers: []
    queryString: Array<{ name: string; value: string }>
    headersSize: -1
    bodySize: number
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: []
    headers: []
    content: { size: number; mimeType: string }
    redirectURL: string
    headersSize: -1
    bodySize: -1
  }
  cache: Record<string, never>
  timings: RequestTimings
  _priority?: string
  _resourceType: string
  _initiator?: { type: string; url?: string }
  _transferSize: number
  _error?: string
}

export const HAR_CREATOR = { name: 'World Page Speed', version: '1' }

/** The page id of a row: its position and region, unique within the file. */
export const pageId = (row: RegionResult, position: number): string => `page_${position + 1}_${row.region}`

export function toHar(test: SpeedTest): Har {
  const pages: HarPage[] = []
  const entries: HarEntry[] = []
  test.results.forEach((row, position) => {
    const id = pageId(row, position)
    const startedAt = row.startedAt ?? Date.parse(test.createdAt)
    pages.push({
      startedDateTime: new Date(startedAt).toISOString(),
      id,
      title: `${row.finalUrl ?? test.url} from ${row.region} (${row.node})`,
      pageTimings: {
        onContentLoad: row.metrics.domContentLoaded ?? -1,
        onLoad: row.metrics.load ?? -1,
      },
    })
    for (const entry of row.entries ?? []) entries.push(toHarEntry(entry, id, startedAt))
  })
  return { log: { version: '1.2', creator: HAR_CREATOR, pages, entries } }
}

/** Chromium's protocol names as HAR's httpVersion: `http/1.1` → `HTTP/1.1`; h2, h3 as they are. */
const httpVersion = (protocol: string | undefined): string =>
  protocol === undefined ? '' : /^http\//i.test(protocol) ? protocol.toUpperCase() : protocol

function toHarEntry(entry: RequestEntry, pageref: string, pageStartedAt: number): HarEntry {
  const timings = entry.timings ?? missingTimings(entry)
  const time = Object.entries(timings)
    .filter(([phase, ms]) => phase !== 'ssl' && ms > 0) // ssl is part of connect
    .reduce((sum, [, ms]) => sum + ms, 0)
  const version = httpVersion(entry.protocol)
  const har: HarEntry = {
    pageref,
    startedDateTime: new Date(pageStartedAt + entry.start).toISOString(),
    time: Math.round(time * 10) / 10,
    request: {
      method: entry.method ?? 'GET',
      url: entry.url,
      httpVersion: version,
      cookies: [],
      headers: [],
      queryString: queryOf(entry.url),
      headersSize: -1,
      bodySize: entry.method === undefined || entry.method === 'GET' ? 0 : -1,
    },
    response: {
      status: entry.status ?? 0,
      statusText: '',
      httpVersion: version,
      cookies: [],
      headers: [],
      content: { size: entry.decodedBytes ?? 0, mimeType: entry.mimeType ?? 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings,
    _resourceType: entry.type,
    _transferSize: entry.bytes,
  }
  if (entry.priority) har._priority = entry.priority
  if (entry.initiator) har._initiator = entry.initiator
  if (entry.failure) har._error = entry.failure
  return har
}

/** An entry stored before timings were gathered: its whole time as `wait`. */
function missingTimings(entry: RequestEntry): RequestTimings {
  const total = entry.end === null ? 0 : Math.max(0, entry.end - entry.start)
  return { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: total, receive: 0 }
}

function queryOf(url: string): Array<{ name: string; value: string }> {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }))
  } catch {
    return []
  }
}
