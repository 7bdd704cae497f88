/**
 * Performance budgets: maxima a page must stay within, checked on every region's row, so
 * a CI job can fail a deploy that made the page slow from Sydney even when it is fast at
 * home. A budget is plain JSON — the same from a `wps run --budget FILE` file or a
 * `POST /api/tests` body — and its verdict travels with the row it judged.
 *
 *   const parsed = parseBudget({ metrics: { lcp: 2500, cls: 0.1 }, requests: 120,
 *                                regions: { syd: { metrics: { lcp: 4000 } } } })
 *   if (!parsed.ok) throw new Error(parsed.message)        // '"metrics.lcpp" is not a metric…'
 *   evaluateBudget(parsed.budget, row)
 *   // → { passed: false, checks: [{ metric: 'lcp', value: 4210, limit: 4000, passed: false }, …] }
 *
 * Every limit is a maximum (value ≤ limit passes). A region's entry overrides the
 * defaults limit by limit and adds its own. A value the row does not have (the region
 * failed, or the browser could not measure that metric) fails its check: a budget that
 * cannot be confirmed is not met. Pure functions, no I/O.
 */

/** The metrics a budget can limit: RegionResult's `metrics` names (the contract's list). */
export const BUDGET_METRICS = [
  'ttfb',
  'fcp',
  'lcp',
  'cls',
  'tbt',
  'domContentLoaded',
  'load',
  'speedIndex',
  'visuallyComplete',
] as const

export type BudgetMetric = (typeof BUDGET_METRICS)[number]

export interface BudgetLimits {
  metrics?: Partial<Record<BudgetMetric, number>>
  requests?: number
  transferBytes?: number
}

export interface Budget extends BudgetLimits {
  /** Per region code: limits that replace or add to the defaults there. */
  regions?: Record<string, BudgetLimits>
}

export interface BudgetCheck {
  /** A metric name, `requests` or `transferBytes`. */
  metric: string
  /** What the row measured; null when it has no such number. */
  value: number | null
  limit: number
  passed: boolean
}

export interface BudgetVerdict {
  passed: boolean
  checks: BudgetCheck[]
}

/** What a budget is checked against: the parts of a RegionResult it reads. */
export interface BudgetSubject {
  region: string
  metrics: object
  requests: number | null
  transferBytes: number | null
}

export type ParsedBudget = { ok: true; budget: Budget } | { ok: false; message: string }

const LIMIT_KEYS = ['metrics', 'requests', 'transferBytes'] as const
const MAX_REGIONS = 64

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

class BudgetError extends Error {}

function limitValue(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new BudgetError(`"${where}" must be a number ≥ 0 (a maximum), got ${JSON.stringify(value)}.`)
  }
  return value
}

function parseLimits(input: unknown, where: string, allowRegions: boolean): BudgetLimits & Budget {
  if (!isRecord(input)) throw new BudgetError(`${where ? `"${where}"` : 'A budget'} must be a JSON object.`)
  const prefix = where ? `${where}.` : ''
  const allowed: readonly string[] = allowRegions ? [...LIMIT_KEYS, 'regions'] : LIMIT_KEYS
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) {
      throw new BudgetError(`"${prefix}${key}" is not a budget field; use ${allowed.join(', ')}.`)
    }
  }
  const limits: Budget = {}
  if (input.metrics !== undefined) {
    if (!isRecord(input.metrics)) throw new BudgetError(`"${prefix}metrics" must be an object of maxima.`)
    const metrics: Partial<Record<BudgetMetric, number>> = {}
    for (const [name, value] of Object.entries(input.metrics)) {
      const metric = BUDGET_METRICS.find((known) => known === name)
      if (!metric) {
        throw new BudgetError(`"${prefix}metrics.${name}" is not a metric; use ${BUDGET_METRICS.join(', ')}.`)
      }
      metrics[metric] = limitValue(value, `${prefix}metrics.${name}`)
    }
    limits.metrics = metrics
  }
  if (input.requests !== undefined) limits.requests = limitValue(input.requests, `${prefix}requests`)
  if (input.transferBytes !== undefined) {
    limits.transferBytes = limitValue(input.transferBytes, `${prefix}transferBytes`)
  }
  if (allowRegions && input.regions !== undefined) {
    if (!isRecord(input.regions)) throw new BudgetError('"regions" must be an object keyed by region code.')
    const entries = Object.entries(input.regions)
    if (entries.length > MAX_REGIONS)
      throw new BudgetError(`"regions" may name at most ${MAX_REGIONS} regions.`)
    limits.regions = Object.fromEntries(
      entries.map(([code, value]) => [code, parseLimits(value, `regions.${code}`, false)]),
    )
  }
  return limits
}

/** Checks untrusted JSON (a file, a request body) and returns a budget or what is wrong with it. */
export function parseBudget(input: unknown): ParsedBudget {
  try {
    const budget = parseLimits(input, '', true)
    const hasLimit = (limits: BudgetLimits) =>
      Object.keys(limits.metrics ?? {}).length > 0 ||
      limits.requests !== undefined ||
      limits.transferBytes !== undefined
    if (!hasLimit(budget) && !Object.values(budget.regions ?? {}).some(hasLimit)) {
      return { ok: false, message: 'The budget sets no limit: give metrics, requests or transferBytes.' }
    }
    return { ok: true, budget }
  } catch (error) {
    if (error instanceof BudgetError) return { ok: false, message: error.message }
    throw error
  }
}

/** The limits that apply in one region: the defaults, overridden limit by limit by its entry. */
export function limitsFor(budget: Budget, region: string): BudgetLimits {
  const own = budget.regions?.[region] ?? {}
  const limits: BudgetLimits = { metrics: { ...budget.metrics, ...own.metrics } }
  const requests = own.requests ?? budget.requests
  const transferBytes = own.transferBytes ?? budget.transferBytes
  if (requests !== undefined) limits.requests = requests
  if (transferBytes !== undefined) limits.transferBytes = transferBytes
  return limits
}

function numberOf(record: object, key: string): number | null {
  const value: unknown = Reflect.get(record, key)
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

const check = (metric: string, value: number | null, limit: number): BudgetCheck => ({
  metric,
  value,
  limit,
  passed: value !== null && value <= limit,
})

/** Every limit that applies to the row's region, checked against the row's numbers. */
export function evaluateBudget(budget: Budget, row: BudgetSubject): BudgetVerdict {
  const limits = limitsFor(budget, row.region)
  const checks: BudgetCheck[] = []
  for (const metric of BUDGET_METRICS) {
    const limit = limits.metrics?.[metric]
    if (limit !== undefined) checks.push(check(metric, numberOf(row.metrics, metric), limit))
  }
  if (limits.requests !== undefined) checks.push(check('requests', row.requests, limits.requests))
  if (limits.transferBytes !== undefined) {
    checks.push(check('transferBytes', row.transferBytes, limits.transferBytes))
  }
  return { passed: checks.every((c) => c.passed), checks }
}
