/**
 * What a row shows of a Lighthouse report: the performance score, the metric audits
 * (Lighthouse's own FCP, LCP, TBT, CLS, Speed Index, TTFB) and the top opportunities —
 * the failing audits that say how much time or how many bytes a fix would save, biggest
 * saving first, as the "Opportunities" section of Lighthouse's own report orders them.
 * The full report stays an artifact; this is the small part that travels with the row.
 *
 *   const summary = summarizeLighthouse(JSON.parse(storedReport))
 *   summary?.performance                                   // → 0.97 (0..1, as in the report; ×100 to show)
 *   summary?.audits['largest-contentful-paint']            // → { score: 1, numericValue: 351.6, displayValue: '0.4 s' }
 *   summary?.opportunities[0]                              // → { id: 'render-blocking-resources', title, savingsMs: 310, … }
 *
 * A pure function on the report's JSON, so it runs on a stored report as well as on a
 * fresh one. The input is checked, not trusted: anything that is not a Lighthouse
 * result gives null, a malformed audit is left out.
 */

export interface LighthouseAudit {
  score: number | null
  numericValue: number | null
  displayValue: string | null
}

export interface LighthouseOpportunity {
  id: string
  title: string
  score: number | null
  /** Estimated time a fix would save (Lighthouse's overallSavingsMs), ms. */
  savingsMs: number | null
  /** Estimated bytes a fix would save (overallSavingsBytes). */
  savingsBytes: number | null
  displayValue: string | null
}

export interface LighthouseSummary {
  /** The performance category's score, 0..1; null when Lighthouse could not score it. */
  performance: number | null
  audits: Record<string, LighthouseAudit>
  opportunities: LighthouseOpportunity[]
  lighthouseVersion: string
  /** Set when Lighthouse ran but the page gave it nothing to score (e.g. NO_FCP). */
  runtimeError: { code: string; message: string } | null
}

/** The metric audits a row carries (the ones the performance score is made of, and TTFB). */
export const METRIC_AUDITS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
  'interactive',
  'server-response-time',
] as const

/** How many opportunities a row lists; the report has them all. */
export const TOP_OPPORTUNITIES = 5

/** Lighthouse shows an audit as passed from 0.9 up. */
const PASSED = 0.9

export function summarizeLighthouse(report: unknown, top = TOP_OPPORTUNITIES): LighthouseSummary | null {
  if (!isRecord(report)) return null
  const { lighthouseVersion, categories, audits } = report
  if (typeof lighthouseVersion !== 'string' || !isRecord(audits) || !isRecord(categories)) return null
  const performance = isRecord(categories.performance) ? scoreOf(categories.performance.score) : null

  const metricAudits: Record<string, LighthouseAudit> = {}
  for (const id of METRIC_AUDITS) {
    const audit = audits[id]
    if (isRecord(audit)) metricAudits[id] = auditOf(audit)
  }

  const opportunities: LighthouseOpportunity[] = []
  for (const [id, audit] of Object.entries(audits)) {
    if (!isRecord(audit) || !isRecord(audit.details) || audit.details.type !== 'opportunity') continue
    const score = scoreOf(audit.score)
    if (score === null || score >= PASSED) continue
    const savingsMs = numberOf(audit.details.overallSavingsMs)
    const savingsBytes = numberOf(audit.details.overallSavingsBytes)
    if (!((savingsMs ?? 0) > 0 || (savingsBytes ?? 0) > 0)) continue
    opportunities.push({
      id,
      title: typeof audit.title === 'string' ? audit.title : id,
      score,
      savingsMs,
      savingsBytes,
      displayValue: typeof audit.displayValue === 'string' ? audit.displayValue : null,
    })
  }
  opportunities.sort(
    (a, b) => (b.savingsMs ?? 0) - (a.savingsMs ?? 0) || (b.savingsBytes ?? 0) - (a.savingsBytes ?? 0),
  )

  const error = report.runtimeError
  const runtimeError =
    isRecord(error) && typeof error.code === 'string'
      ? { code: error.code, message: typeof error.message === 'string' ? error.message : error.code }
      : null
  return {
    performance,
    audits: metricAudits,
    opportunities: opportunities.slice(0, top),
    lighthouseVersion,
    runtimeError,
  }
}

function auditOf(audit: Record<string, unknown>): LighthouseAudit {
  return {
    score: scoreOf(audit.score),
    numericValue: numberOf(audit.numericValue),
    displayValue: typeof audit.displayValue === 'string' ? audit.displayValue : null,
  }
}

function scoreOf(value: unknown): number | null {
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : null
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
