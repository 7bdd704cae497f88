/**
 * A row's fields as they come off the network, checked one by one before they become a
 * RegionResult: a row update from a region (protocol.ts) or a row relayed by the node
 * that owns a test (follow.ts) is JSON written by another process, possibly of another
 * release. Each known field must have its type — a number where a number belongs, an
 * error as `{code, message}`, metrics as numbers or null — and is dropped otherwise;
 * fields this release does not know are dropped too, so nothing unchecked reaches the
 * store or a subscriber, and a row with one bad field still keeps its good ones.
 *
 *   rowFields({ status: 'complete', requests: 7, cold: 'yes', extra: 1 })
 *   // → { status: 'complete', requests: 7 }   (`cold` had the wrong type; `extra` is unknown)
 *   rowFields({ status: 'done' })              // → null: a row without a known status is no row
 *
 * The nested records of a finished row (settings, entries' timings, runs, the Lighthouse
 * and repeat-view summaries) are checked for their kind (object or array) and, where a
 * reader walks them, their elements' kind; their inner fields are the measuring
 * runner's, which the API's response schema (server/schemas/row.ts) checks again on the
 * way out.
 */
import type { RegionResult, RegionStatus } from './model.ts'

type Check = (value: unknown) => boolean

const STATUSES: readonly string[] = [
  'queued',
  'starting',
  'loading',
  'complete',
  'error',
] satisfies RegionStatus[]

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value)
const isString: Check = (value) => typeof value === 'string'
const isBoolean: Check = (value) => typeof value === 'boolean'
const orNull =
  (check: Check): Check =>
  (value) =>
    value === null || check(value)
const arrayOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check)

const isMetrics: Check = (value) =>
  isObject(value) && Object.values(value).every((metric) => metric === null || isNumber(metric))
const isError: Check = (value) => isObject(value) && isString(value.code) && isString(value.message)
const isEntry: Check = (value) => isObject(value) && isString(value.url)

/** Every field of a row update, and what its value must be. */
const FIELDS: Record<keyof Omit<RegionResult, 'region' | 'node' | 'status'>, Check> = {
  httpStatus: orNull(isNumber),
  finalUrl: orNull(isString),
  metrics: isMetrics,
  requests: orNull(isNumber),
  transferBytes: orNull(isNumber),
  cold: orNull(isBoolean),
  bootMs: orNull(isNumber),
  error: orNull(isError),
  final: isBoolean,
  startedAt: isNumber,
  queuePosition: isNumber,
  run: isNumber,
  runCount: isNumber,
  runs: arrayOf(isObject),
  medianRun: isNumber,
  updatedAt: isNumber,
  entries: arrayOf(isEntry),
  budget: isObject,
  settings: isObject,
  lcpElement: orNull(isObject),
  layoutShifts: arrayOf(isObject),
  artifacts: isObject,
  repeatView: isObject,
  lighthouse: isObject,
  trimmed: arrayOf(isString),
}

/** Looked up by the message's own keys: most row updates carry a few of the 25 fields. */
const CHECKS: ReadonlyMap<string, Check> = new Map(Object.entries(FIELDS))

/** The row fields of `message` whose types hold, `status` first; null without a known status. */
export function rowFields(
  message: Record<string, unknown>,
): ({ status: RegionStatus } & Partial<RegionResult>) | null {
  const { status } = message
  if (typeof status !== 'string' || !STATUSES.includes(status)) return null
  const fields: Record<string, unknown> = { status }
  for (const name of Object.keys(message)) {
    const check = CHECKS.get(name)
    const value = message[name]
    if (check !== undefined && value !== undefined && check(value)) fields[name] = value
  }
  // Checked field by field above, against the same names and types as RegionResult's.
  return fields as { status: RegionStatus } & Partial<RegionResult>
}
