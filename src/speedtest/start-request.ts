/**
 * What a client asks for when it starts a test, checked field by field before anything
 * runs: the URL, how many runs, the budget, device and connectivity, repeat view,
 * Lighthouse and the regions. Each field that is wrong gets its own clear error; the
 * first wrong field answers, so a client fixes one thing at a time.
 *
 *   const parsed = parseStartRequest({ url: 'example.com', runs: 3, device: 'mobile' })
 *   if (!parsed.ok) return parsed          // { ok: false, error: { code: 'bad_request', … } }
 *   parsed.start.url.href                  // 'https://example.com/'
 *   const members = chooseMembers(cluster.members(), request.regions)   // Member[] | StartError
 *
 * What needs the network or the cluster (the target's addresses, the start limits) is
 * checked after, by SpeedTests.start, so a malformed request costs no lookup.
 */
import { randomBytes } from 'node:crypto'
import type { Member } from '../cluster/index.ts'
import { type Budget, parseBudget } from './budget.ts'
import type { SpeedTest } from './model.ts'
import { MAX_RUNS } from './protocol.ts'
import type { LimitVerdict } from './start-limits.ts'
import { parseTestSettings, type TestSettings } from './test-settings.ts'
import { normalizeUrl } from './url-policy.ts'

export interface StartRequest {
  url: unknown
  regions?: unknown
  /** Page loads per region (1–5); each row reports its median run. Default 1. */
  runs?: unknown
  /** Maxima every region's row is checked against (budget.ts); each row then carries its verdict. */
  budget?: unknown
  /** `desktop` (default) or `mobile` (devices.ts). */
  device?: unknown
  /** `native` (default), `cable`, `4g`, `3g` or `3g-slow` (connectivity.ts). */
  connectivity?: unknown
  /** `true`: each region also loads the page a second time, warm cache (the row's `repeatView`). */
  repeatView?: unknown
  /** Also run a Lighthouse performance audit in every region (lighthouse-step.ts). Default false. */
  lighthouse?: unknown
}

export type StartError =
  | { code: 'invalid_url' | 'blocked_address'; message: string }
  | { code: 'unknown_region'; message: string }
  | { code: 'bad_request'; message: string }
  /** Too many tests for this target host, or in all, this minute (start-limits.ts). */
  | { code: 'rate_limited'; message: string; retryAfterSeconds: number }

export type StartResult = { ok: true; test: SpeedTest } | { ok: false; error: StartError }

/** A start request whose own fields are valid. */
export interface ParsedStart {
  url: URL
  runs: number
  budget: Budget | undefined
  device: TestSettings['device']
  connectivity: TestSettings['connectivity']
  repeatView: boolean
  lighthouse: boolean
}

export function parseStartRequest(
  request: StartRequest,
): { ok: true; start: ParsedStart } | { ok: false; error: StartError } {
  const normalized = normalizeUrl(request.url)
  if (!normalized.ok) return { ok: false, error: normalized.error }
  const runs = request.runs ?? 1
  if (!Number.isInteger(runs) || (runs as number) < 1 || (runs as number) > MAX_RUNS) {
    return {
      ok: false,
      error: { code: 'bad_request', message: `"runs" must be a whole number from 1 to ${MAX_RUNS}.` },
    }
  }
  const budget = request.budget === undefined ? undefined : parseBudget(request.budget)
  if (budget && !budget.ok)
    return { ok: false, error: { code: 'bad_request', message: `budget: ${budget.message}` } }
  const settings = parseTestSettings(request)
  if (!settings.ok) {
    const message = `"${settings.field}" must be one of ${settings.allowed.join(', ')}.`
    return { ok: false, error: { code: 'bad_request', message } }
  }
  const { device, connectivity } = settings.settings
  const repeatView = request.repeatView ?? false
  if (typeof repeatView !== 'boolean') {
    return { ok: false, error: { code: 'bad_request', message: '"repeatView" must be true or false.' } }
  }
  const lighthouse = request.lighthouse ?? false
  if (typeof lighthouse !== 'boolean') {
    return { ok: false, error: { code: 'bad_request', message: '"lighthouse" must be true or false.' } }
  }
  return {
    ok: true,
    start: {
      url: normalized.url,
      runs: runs as number,
      budget: budget?.budget,
      device,
      connectivity,
      repeatView,
      lighthouse,
    },
  }
}

/** The members a test runs on: all of them, or those in the regions asked for. */
export function chooseMembers(members: Member[], regions: unknown): Member[] | StartError {
  if (regions === undefined || regions === null) return members
  const known = [...new Set(members.map((m) => m.region))].sort()
  if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string')) {
    return {
      code: 'unknown_region',
      message: `"regions" must be a non-empty list of region codes (${known.join(', ')}).`,
    }
  }
  const missing = regions.filter((r) => !known.includes(r))
  if (missing.length > 0) {
    return {
      code: 'unknown_region',
      message: `No node is running in ${missing.join(', ')}. Available: ${known.join(', ') || 'none'}.`,
    }
  }
  return members.filter((m) => regions.includes(m.region))
}

export function rateLimited(verdict: LimitVerdict & { ok: false }, host: string): StartError {
  const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000)
  const why =
    verdict.scope === 'host'
      ? `Too many tests of ${host} this minute, from all clients together`
      : 'Too many tests this minute on this deploy'
  return { code: 'rate_limited', message: `${why}; try again in ${retryAfterSeconds} s.`, retryAfterSeconds }
}

const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789'

/** Short, unguessable, URL-safe ids for permalinks. */
export function newTestId(): string {
  return [...randomBytes(12)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')
}
