/**
 * What a row's Lighthouse panel shows, worked out without the DOM: the score out of 100
 * with its rating (Lighthouse's bands, the app's words), each top opportunity with its
 * saving in words, and the report links — or, while the audit runs or after it failed,
 * what to say instead.
 *
 *   lighthouseView(row.lighthouse, row.artifacts?.lighthouse)
 *   // → { state: 'scored', score: 97, rating: 'good', ratingText: 'Good', opportunities: [{ title, saving: '139 KB' }], links }
 *   // → { state: 'running' } | { state: 'failed', message: 'Lighthouse did not finish within 60 s.' }
 */
import {
  formatBytes,
  formatMs,
  lighthouseRating,
  lighthouseScore,
  RATING_TEXT,
  type Rating,
} from '../../../../src/format/index.ts'
import type { RowLighthouse } from '../../../../src/speedtest/model.ts'

export type LighthouseView =
  | { state: 'running' }
  | { state: 'failed'; message: string }
  | {
      state: 'scored'
      score: number
      rating: Rating
      ratingText: string
      durationText: string | null
      opportunities: Array<{ id: string; title: string; saving: string | null }>
      links: { html: string; json: string } | null
    }

export function lighthouseView(
  audit: RowLighthouse,
  links: { html: string; json: string } | undefined,
): LighthouseView {
  if (audit.status === 'running') return { state: 'running' }
  if (audit.status === 'error' || audit.performance === null) {
    return { state: 'failed', message: audit.error?.message ?? 'Lighthouse gave no score for this page.' }
  }
  const rating = lighthouseRating(audit.performance)
  return {
    state: 'scored',
    score: lighthouseScore(audit.performance),
    rating,
    ratingText: RATING_TEXT[rating],
    durationText: audit.durationMs === null ? null : formatMs(audit.durationMs),
    opportunities: audit.opportunities.map((o) => {
      const parts = [
        o.savingsMs ? `${formatMs(o.savingsMs)} faster` : null,
        o.savingsBytes ? `${formatBytes(o.savingsBytes)} smaller` : null,
      ].filter((part) => part !== null)
      return { id: o.id, title: o.title, saving: parts.length > 0 ? parts.join(', ') : null }
    }),
    links: links ?? null,
  }
}
