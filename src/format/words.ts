/**
 * The words for a row's state and a metric's rating, shared by the terminal (`wps run`)
 * and the web page so both say the same thing: a failed region is "Failed" in both, a
 * region waiting for a browser is "Queued" in both, an LCP of 3 s "needs improvement".
 *
 *   statusText('loading')                 // "Loading page"
 *   statusText('queued', 2)               // "Queued (2 ahead)"
 *   RATING_TEXT['needs-improvement']      // "Needs improvement"
 *   METRICS.lcp.good                      // 2500 (ms): Google's "good" threshold
 *
 * A leaf: it imports nothing, so the CLI and the Vite build can both import it.
 */

/** Every status a row can carry; `queued` (waiting for a free browser) may be absent on older servers. */
export type StatusWord = 'queued' | 'starting' | 'loading' | 'complete' | 'error'

const STATUS: Record<StatusWord, string> = {
  queued: 'Queued',
  starting: 'Starting browser',
  loading: 'Loading page',
  complete: 'Complete',
  error: 'Failed',
}

/** What a person reads for a status; an unknown one (a newer server) is shown as sent. */
export function statusText(status: string, ahead?: number | null): string {
  const word = (STATUS as Record<string, string | undefined>)[status] ?? status
  if (status === 'queued' && typeof ahead === 'number' && ahead > 0) return `${word} (${ahead} ahead)`
  return word
}

export type Rating = 'good' | 'needs-improvement' | 'poor'

export const RATING_TEXT: Record<Rating, string> = {
  good: 'Good',
  'needs-improvement': 'Needs improvement',
  poor: 'Poor',
}

/** A symbol per rating, so a rating never depends on colour alone. */
export const RATING_ICON: Record<Rating, string> = {
  good: '✓',
  'needs-improvement': '!',
  poor: '✕',
}

export interface MetricInfo {
  label: string
  name: string
  /** At or below: good. */
  good: number
  /** Above: poor. */
  poor: number
  unit: 'ms' | ''
  explain: string
}

/** Google's thresholds (web.dev) for the metrics that have them, with a one-line explanation. */
export const METRICS = {
  ttfb: {
    label: 'TTFB',
    name: 'Time to first byte',
    good: 800,
    poor: 1800,
    unit: 'ms',
    explain: 'How long until the first byte of the page arrived: network distance plus server time.',
  },
  fcp: {
    label: 'FCP',
    name: 'First contentful paint',
    good: 1800,
    poor: 3000,
    unit: 'ms',
    explain: 'When the first text or image appeared on screen.',
  },
  lcp: {
    label: 'LCP',
    name: 'Largest contentful paint',
    good: 2500,
    poor: 4000,
    unit: 'ms',
    explain: 'When the largest text block or image in view was painted: when the page looks ready.',
  },
  cls: {
    label: 'CLS',
    name: 'Cumulative layout shift',
    good: 0.1,
    poor: 0.25,
    unit: '',
    explain: 'How much content jumped around while loading (largest burst of shifts); lower is steadier.',
  },
  tbt: {
    label: 'TBT',
    name: 'Total blocking time',
    good: 200,
    poor: 600,
    unit: 'ms',
    explain: 'How long the main thread was too busy to answer a tap or key, after the first paint.',
  },
} as const satisfies Record<string, MetricInfo>

export type RatedMetric = keyof typeof METRICS
