/**
 * A row's Lighthouse audit: the performance score out of 100 with its rating in words
 * (never colour alone), the top opportunities with what a fix would save, and links to
 * the full report (HTML, and the JSON for tools). While the audit runs it says so; a
 * failed audit says why, in words, under the row's own numbers, which stand.
 *
 *   {row.lighthouse ? <LighthouseScore audit={row.lighthouse} links={row.artifacts?.lighthouse} /> : null}
 */
import type { RowLighthouse } from '../../../../src/speedtest/model.ts'
import styles from './lighthouse.module.css'
import { lighthouseView } from './view.ts'

interface Props {
  audit: RowLighthouse
  links?: { html: string; json: string } | undefined
}

export function LighthouseScore({ audit, links }: Props) {
  const view = lighthouseView(audit, links)
  if (view.state === 'running') {
    return (
      <section class={styles.panel} aria-label="Lighthouse" data-testid="lighthouse" data-state="running">
        <p class={styles.meta} role="status">
          Running Lighthouse: a performance audit of the page from this region (about 10 s).
        </p>
      </section>
    )
  }
  if (view.state === 'failed') {
    return (
      <section class={styles.panel} aria-label="Lighthouse" data-testid="lighthouse" data-state="failed">
        <p class={styles.meta}>No Lighthouse score: {view.message}</p>
      </section>
    )
  }
  return (
    <section class={styles.panel} aria-label="Lighthouse" data-testid="lighthouse" data-state="scored">
      <div class={styles.head}>
        <span>Lighthouse performance</span>
        <span
          class={`${styles.score} ${styles[view.rating]}`}
          data-testid="lighthouse-score"
          data-rating={view.rating}
        >
          {view.score}
        </span>
        <span>{view.ratingText}</span>
        {view.durationText ? <span class={styles.meta}>audit took {view.durationText}</span> : null}
      </div>
      {view.opportunities.length > 0 ? (
        <ul class={styles.opportunities} aria-label="Top opportunities">
          {view.opportunities.map((o) => (
            <li key={o.id}>
              {o.title}
              {o.saving ? <span class={styles.meta}> · {o.saving}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {view.links ? (
        <p class={styles.links}>
          <a href={view.links.html} target="_blank" rel="noopener">
            Full Lighthouse report
          </a>
          <a href={view.links.json} target="_blank" rel="noopener">
            Report JSON
          </a>
        </p>
      ) : null}
    </section>
  )
}
