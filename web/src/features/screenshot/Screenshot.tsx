/**
 * The page as it looked at the end of the load, with the LCP element outlined on it (its
 * box from the row's `lcpElement.rect`, in the viewport the row was measured with), so a
 * user sees which element the LCP time is about. Drawn only when the row has a screenshot.
 *
 *   <Screenshot url={row.artifacts.screenshot} viewport={row.settings.viewport} lcp={row.lcpElement} />
 */

import detail from '../row-details/row-details.module.css'
import { type Box, highlightBox } from './highlight.ts'
import styles from './screenshot.module.css'

interface Props {
  url: string
  viewport: { width: number; height: number } | undefined
  lcp: { selector: string; rect?: Box } | null | undefined
}

export function Screenshot({ url, viewport, lcp }: Props) {
  const box = lcp?.rect && viewport ? highlightBox(lcp.rect, viewport) : null
  const note = !lcp
    ? 'no LCP element was reported'
    : box
      ? 'the LCP element outlined'
      : 'the LCP element is outside the visible part'
  return (
    <details class={detail.details}>
      <summary>Final screenshot · {note}</summary>
      <figure class={styles.figure} data-testid="screenshot">
        <div class={styles.frame}>
          <img src={url} alt="The page at the end of the load" loading="lazy" />
          {box ? (
            <span
              class={styles.highlight}
              data-testid="lcp-highlight"
              style={{
                left: `${box.left}%`,
                top: `${box.top}%`,
                width: `${box.width}%`,
                height: `${box.height}%`,
              }}
            />
          ) : null}
        </div>
        {lcp ? (
          <figcaption class={styles.caption}>
            LCP element: <code>{lcp.selector}</code>
          </figcaption>
        ) : null}
      </figure>
    </details>
  )
}
