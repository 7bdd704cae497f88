/**
 * What the colours and words mean: Google's thresholds for each Core Web Vital and a
 * sentence on what the metric measures. A `<details>` element, so it opens by click, tap,
 * Enter or Space and is read by screen readers — never a hover-only tooltip.
 *
 *   <RatingsLegend />
 */
import {
  formatThreshold,
  METRICS,
  RATING_ICON,
  RATING_TEXT,
  type RatedMetric,
  type Rating,
} from '../../../../src/format/index.ts'
import styles from './ratings.module.css'

const ORDER: RatedMetric[] = ['ttfb', 'fcp', 'lcp', 'cls', 'tbt']
const LEVELS: Rating[] = ['good', 'needs-improvement', 'poor']

export function RatingsLegend() {
  return (
    <details class={styles.legend} data-testid="ratings-legend">
      <summary>What the ratings mean</summary>
      <ul class={styles.levels}>
        {LEVELS.map((level) => (
          <li key={level} class={`${styles.badge} ${styles[level]}`}>
            <span aria-hidden="true">{RATING_ICON[level]}</span> {RATING_TEXT[level]}
          </li>
        ))}
        <li class={`${styles.badge} ${styles.errorPage}`}>
          <span aria-hidden="true">⚠</span> Measured on an error page
        </li>
      </ul>
      <dl class={styles.explain}>
        {ORDER.map((key) => {
          const info = METRICS[key]
          return (
            <div key={key} data-metric-help={key}>
              <dt>
                {info.label} · {info.name}
              </dt>
              <dd>
                {info.explain} Good ≤ {formatThreshold(key, info.good)}, poor &gt;{' '}
                {formatThreshold(key, info.poor)}.
              </dd>
            </div>
          )
        })}
      </dl>
      <p class={styles.note}>
        Thresholds are Google's Core Web Vitals (web.dev). A page that answered with an error status (404,
        500…) is not rated: its numbers describe the error page.
      </p>
    </details>
  )
}
