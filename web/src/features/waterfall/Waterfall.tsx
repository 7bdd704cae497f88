/**
 * A region's network log drawn as a waterfall: one row per request of `entries`, a bar
 * from its start to its end on a time axis shared by all rows, coloured by resource type,
 * split into DNS / connect / TLS / wait / receive when the row carries HAR timings, and
 * vertical lines where DOMContentLoaded, FCP, LCP and load happened. Plain positioned
 * boxes (no canvas, no SVG per row), so 200 requests stay cheap.
 *
 *   <Waterfall entries={row.entries} metrics={row.metrics} />
 */
import { useMemo } from 'preact/hooks'
import type { Metrics } from '../../../../src/browser/types.ts'
import { formatBytes, formatMs } from '../../../../src/format/index.ts'
import type { Entry } from '../../api.ts'
import { barOf, milestones, shortName, timeAxis } from './layout.ts'
import styles from './waterfall.module.css'

interface Props {
  entries: Entry[]
  metrics: Partial<Metrics>
}

const TYPES = ['document', 'stylesheet', 'script', 'image', 'font', 'xhr', 'fetch', 'other'] as const
const typeClass = (type: string): string =>
  styles[`type-${(TYPES as readonly string[]).includes(type) ? type : 'other'}`] ?? ''

export function Waterfall({ entries, metrics }: Props) {
  const axis = useMemo(() => timeAxis(entries, metrics), [entries, metrics])
  const marks = milestones(metrics, axis)
  const hasPhases = entries.some((entry) => entry.timings)
  const types = [
    ...new Set(
      entries.map((entry) => ((TYPES as readonly string[]).includes(entry.type) ? entry.type : 'other')),
    ),
  ]

  return (
    <figure class={styles.waterfall} data-testid="waterfall">
      <figcaption class={styles.legend}>
        {types.map((type) => (
          <span key={type} class={styles.key}>
            <span class={`${styles.swatch} ${typeClass(type)}`} aria-hidden="true" />
            {type}
          </span>
        ))}
        {marks.map((mark) => (
          <span key={mark.key} class={styles.key}>
            <span class={`${styles.markKey} ${styles[`mark-${mark.key}`]}`} aria-hidden="true" />
            {mark.label} {formatMs(mark.at)}
          </span>
        ))}
        {hasPhases ? (
          <span class={styles.key}>
            bars: light = waiting for a connection or the server, dark = receiving
          </span>
        ) : null}
      </figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long log scrolls; keyboard users must be able to scroll it (WCAG 2.1.1) */}
      <section class={styles.scroller} tabIndex={0} aria-label="Requests, scrollable">
        <table class={styles.table}>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Size</th>
              <th scope="col" class={styles.timeCol}>
                <span class={styles.ticks} aria-hidden="true">
                  {axis.ticks.map((tick) => (
                    <span key={tick} style={{ left: `${(tick / axis.endMs) * 100}%` }}>
                      {formatMs(tick)}
                    </span>
                  ))}
                </span>
                <span class="visually-hidden">Timeline</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, index) => {
              const bar = barOf(entry, axis)
              const failed = entry.status === null || entry.status >= 400
              return (
                <tr
                  key={`${index}-${entry.url}`}
                  data-testid="waterfall-row"
                  data-type={entry.type}
                  class={failed ? styles.failed : undefined}
                >
                  <th scope="row" class={styles.name} title={entry.url}>
                    {shortName(entry.url)}
                  </th>
                  <td class={styles.num}>{entry.status ?? (entry.failure ? 'failed' : '—')}</td>
                  <td class={styles.num}>{formatBytes(entry.bytes)}</td>
                  <td class={styles.timeCol}>
                    <span
                      class={`${styles.bar} ${typeClass(entry.type)}`}
                      style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
                      title={`${formatMs(entry.start)} → ${entry.end === null ? 'unfinished' : formatMs(entry.end)}`}
                    />
                    {bar.phases.map((phase) => (
                      <span
                        key={phase.name}
                        class={`${styles.phase} ${styles[`phase-${phase.name}`]}`}
                        style={{ left: `${phase.left}%`, width: `${phase.width}%` }}
                      />
                    ))}
                    {marks.map((mark) => (
                      <span
                        key={mark.key}
                        class={`${styles.mark} ${styles[`mark-${mark.key}`]}`}
                        style={{ left: `${mark.left}%` }}
                      />
                    ))}
                    <span class="visually-hidden">
                      {formatMs(entry.start)} to {entry.end === null ? 'unfinished' : formatMs(entry.end)}
                    </span>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>
    </figure>
  )
}
