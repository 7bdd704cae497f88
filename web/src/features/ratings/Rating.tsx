/**
 * A metric's rating told three ways: colour, a symbol and words ("✓ Good"), so it reads
 * for people who do not see the colour. On an error page (HTTP ≥ 400) the numbers are
 * real but describe the error page, so they are marked as such instead of rated.
 *
 *   <RatingBadge metric="lcp" value={1800} />                  // ✓ Good
 *   <RatingBadge metric="lcp" value={1800} errorPage={404} />  // "on an error page (404)"
 */
import { RATING_ICON, RATING_TEXT, type RatedMetric, rate } from '../../../../src/format/index.ts'
import styles from './ratings.module.css'

interface Props {
  metric: RatedMetric
  value: number | null | undefined
  /** The document's HTTP status when it was an error page. */
  errorPage?: number | null
}

export function RatingBadge({ metric, value, errorPage }: Props) {
  const rating = rate(metric, value)
  if (!rating) return null
  if (errorPage) {
    return (
      <span class={`${styles.badge} ${styles.errorPage}`} data-rating="error-page">
        <span aria-hidden="true">⚠</span> on an error page ({errorPage})
      </span>
    )
  }
  return (
    <span class={`${styles.badge} ${styles[rating]}`} data-rating={rating}>
      <span aria-hidden="true">{RATING_ICON[rating]}</span> {RATING_TEXT[rating]}
    </span>
  )
}

/** The rating's class for a cell's colour, or the error-page class. */
export function ratingClass(
  metric: RatedMetric,
  value: number | null | undefined,
  errorPage?: number | null,
) {
  const rating = rate(metric, value)
  if (!rating) return ''
  return errorPage ? styles.cellErrorPage : styles[`cell-${rating}`]
}
