/**
 * The HTTP API as the page sees it (contract in docs/architecture.md). Non-2xx answers
 * become an `ApiError` carrying the server's `{ error: { code, message } }`
 * and, for 429, the Retry-After seconds, so the form can word them.
 *
 *   const created = await createTest('https://example.com')   // POST /api/tests
 *   const test = await getTest(created.id)                     // GET /api/tests/:id
 *   new EventSource(eventsUrl(created.id))                     // live rows
 */
import type { Rect as Box } from '../../src/browser/element-script.ts'
import type { RequestEntry } from '../../src/browser/types.ts'
import type { ComparedMetric, MetricDiff } from '../../src/speedtest/compare.ts'
import type { RegionResult as ServerRow, SpeedTest as ServerTest } from '../../src/speedtest/model.ts'

/** HAR timing phases of a request (ms; -1 or absent when the phase did not happen). */
export interface TimingPhases {
  blocked?: number
  dns?: number
  connect?: number
  ssl?: number
  send?: number
  wait?: number
  receive?: number
}

export type Entry = RequestEntry & { timings?: TimingPhases }

/** Test settings as rows carry them once the measurement-depth work lands. */
export interface Settings {
  device?: string
  viewport?: { width: number; height: number; deviceScaleFactor?: number }
  userAgent?: string
  connectivity?: { name: string; rttMs?: number; downKbps?: number; upKbps?: number }
  browser?: string
}

/**
 * A row as the page reads it: the server's RegionResult plus the fields other issues are
 * adding (queue position, `final`, timings, settings, frames). All optional, so the page
 * draws what a server sends today and lights up the rest when it arrives.
 */
export type RegionResult = Omit<ServerRow, 'status' | 'entries'> & {
  status: ServerRow['status'] | 'queued'
  /** While queued: how many measurements are ahead of this one. */
  queuePosition?: number
  final?: boolean
  entries?: Entry[]
  settings?: Settings
  artifacts?: { filmstrip?: Array<{ at: number; url: string }>; screenshot?: string; har?: string }
  lcpElement?: { selector: string; type?: string; url?: string; rect?: Box }
}

export type SpeedTest = Omit<ServerTest, 'results'> & { results: RegionResult[] }

/** One row of a past test (`GET /api/tests`): status and headline numbers, no waterfall. */
export type RegionSummary = Pick<
  RegionResult,
  'region' | 'node' | 'status' | 'httpStatus' | 'metrics' | 'requests' | 'transferBytes' | 'error'
>

export interface TestSummary {
  id: string
  url: string
  createdAt: string
  state: 'running' | 'done'
  results: RegionSummary[]
}

export interface HistoryPage {
  tests: TestSummary[]
  next: string | null
}

export interface Comparison {
  a: TestSummary
  b: TestSummary
  regions: Array<{
    region: string
    a: RegionSummary | null
    b: RegionSummary | null
    diff: Record<ComparedMetric, MetricDiff>
  }>
}

/** A live member from `GET /api/regions`. */
export interface RegionInfo {
  region: string
  node: string
  machineId: string
  capacity: number
  city?: string
  country?: string
  lat?: number
  lon?: number
}

export interface CreatedTest {
  id: string
  url: string
  regions: unknown[]
  links: { self: string; events: string; page: string }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } })
  } catch (cause) {
    if (init.signal?.aborted) throw cause
    throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.')
  }
  const body: unknown = await response.json().catch(() => null)
  if (response.ok) return body as T
  const error = isRecord(body) && isRecord(body.error) ? body.error : {}
  const code = typeof error.code === 'string' ? error.code : `http_${response.status}`
  const message =
    typeof error.message === 'string' ? error.message : `The server answered ${response.status}.`
  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10)
  throw new ApiError(response.status, code, message, Number.isFinite(retryAfter) ? retryAfter : null)
}

/** What needs an API key on this server (`GET /api/access`). */
export interface Access {
  startNeedsKey: boolean
  readsNeedKey: boolean
}

export async function getAccess(signal?: AbortSignal): Promise<Access> {
  const body = await request<unknown>('/api/access', signal ? { signal } : {})
  const access = isRecord(body) ? body : {}
  return { startNeedsKey: access.startNeedsKey === true, readsNeedKey: access.readsNeedKey === true }
}

/** `headers` carries the API key's authorization on a deploy that needs one (features/form/api-key.ts). */
export function createTest(
  url: string,
  regions?: string[],
  runs = 1,
  options: { lighthouse?: boolean; headers?: Record<string, string> } = {},
): Promise<CreatedTest> {
  return request<CreatedTest>('/api/tests', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({
      url,
      ...(regions ? { regions } : {}),
      ...(runs > 1 ? { runs } : {}),
      ...(options.lighthouse ? { lighthouse: true } : {}),
    }),
  })
}

export function getTest(id: string, signal?: AbortSignal): Promise<SpeedTest> {
  return request<SpeedTest>(`/api/tests/${encodeURIComponent(id)}`, signal ? { signal } : {})
}

export function getRegions(signal?: AbortSignal): Promise<RegionInfo[]> {
  return request<RegionInfo[]>('/api/regions', signal ? { signal } : {})
}

export function getHistory(url: string, signal?: AbortSignal, limit = 20): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(limit), ...(url ? { url } : {}) })
  return request<HistoryPage>(`/api/tests?${query}`, signal ? { signal } : {})
}

export function getComparison(a: string, b: string, signal?: AbortSignal): Promise<Comparison> {
  const query = new URLSearchParams({ a, b })
  return request<Comparison>(`/api/compare?${query}`, signal ? { signal } : {})
}

/** Whether the server offers a HAR of this test (the route arrives with the measurement-depth work). */
export async function hasHar(id: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(harUrl(id), { method: 'HEAD', ...(signal ? { signal } : {}) })
    return response.ok
  } catch {
    return false
  }
}

export const eventsUrl = (id: string): string => `/api/tests/${encodeURIComponent(id)}/events`
export const testUrl = (id: string): string => `/api/tests/${encodeURIComponent(id)}`
export const harUrl = (id: string): string => `/api/tests/${encodeURIComponent(id)}/har`
