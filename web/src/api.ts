/**
 * The HTTP API as the page sees it (contract in docs/architecture.md). Non-2xx answers
 * become an `ApiError` carrying the server's `{ error: { code, message } }`
 * and, for 429, the Retry-After seconds, so the form can word them.
 *
 *   const created = await createTest('https://example.com')   // POST /api/tests
 *   const test = await getTest(created.id)                     // GET /api/tests/:id
 *   new EventSource(eventsUrl(created.id))                     // live rows
 */
import type { SpeedTest } from '../../src/speedtest/model.ts'

export type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'

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

export function createTest(url: string, regions?: string[], runs = 1): Promise<CreatedTest> {
  return request<CreatedTest>('/api/tests', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, ...(regions ? { regions } : {}), ...(runs > 1 ? { runs } : {}) }),
  })
}

export function getTest(id: string, signal?: AbortSignal): Promise<SpeedTest> {
  return request<SpeedTest>(`/api/tests/${encodeURIComponent(id)}`, signal ? { signal } : {})
}

export function getRegions(signal?: AbortSignal): Promise<RegionInfo[]> {
  return request<RegionInfo[]>('/api/regions', signal ? { signal } : {})
}

export const eventsUrl = (id: string): string => `/api/tests/${encodeURIComponent(id)}/events`
export const testPath = (id: string): string => `/tests/${encodeURIComponent(id)}`
