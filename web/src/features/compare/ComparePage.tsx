/**
 * `/compare?a=&b=`: two tests of a page, before (a) and after (b), region by region: every
 * headline metric of each side and the difference, said in words as well as signs ("faster",
 * "slower") since lower is better for all of them.
 *
 *   <ComparePage a="abc" b="def" />
 */
import { useEffect, useState } from 'preact/hooks'
import {
  type DeltaKind,
  formatBytes,
  formatCls,
  formatCount,
  formatDelta,
  formatMs,
  formatPercent,
} from '../../../../src/format/index.ts'
import type { ComparedMetric } from '../../../../src/speedtest/compare.ts'
import { type Comparison, getComparison } from '../../api.ts'
import { historyPath, onLinkClick, testPath } from '../../routes.ts'
import styles from './compare.module.css'

type State =
  | { phase: 'loading' }
  | { phase: 'failed'; message: string }
  | { phase: 'ready'; comparison: Comparison }

const ROWS: Array<{ key: ComparedMetric; label: string; kind: DeltaKind }> = [
  { key: 'ttfb', label: 'TTFB', kind: 'ms' },
  { key: 'fcp', label: 'FCP', kind: 'ms' },
  { key: 'lcp', label: 'LCP', kind: 'ms' },
  { key: 'cls', label: 'CLS', kind: 'cls' },
  { key: 'tbt', label: 'TBT', kind: 'ms' },
  { key: 'domContentLoaded', label: 'DOM ready', kind: 'ms' },
  { key: 'load', label: 'Load', kind: 'ms' },
  { key: 'requests', label: 'Requests', kind: 'count' },
  { key: 'transferBytes', label: 'Transfer', kind: 'bytes' },
]

const formatValue = (kind: DeltaKind, value: number | null): string =>
  kind === 'ms'
    ? formatMs(value)
    : kind === 'cls'
      ? formatCls(value)
      : kind === 'bytes'
        ? formatBytes(value)
        : formatCount(value)

function verdict(kind: DeltaKind, absolute: number | null): { word: string; tone: string } | null {
  if (absolute === null) return null
  if (formatDelta(kind, absolute).startsWith('±')) return { word: 'same', tone: styles.same ?? '' }
  const word = kind === 'ms' ? (absolute < 0 ? 'faster' : 'slower') : absolute < 0 ? 'less' : 'more'
  return { word, tone: (absolute < 0 ? styles.better : styles.worse) ?? '' }
}

export function ComparePage({ a, b }: { a: string; b: string }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  useEffect(() => {
    if (!a || !b) {
      setState({ phase: 'failed', message: 'Pick two tests to compare from the history of a URL.' })
      return
    }
    const abort = new AbortController()
    setState({ phase: 'loading' })
    getComparison(a, b, abort.signal).then(
      (comparison) => !abort.signal.aborted && setState({ phase: 'ready', comparison }),
      (error: unknown) =>
        !abort.signal.aborted &&
        setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) }),
    )
    return () => abort.abort()
  }, [a, b])

  return (
    <section class={styles.compare} data-testid="compare" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two tests</h2>
      {state.phase === 'loading' ? <p role="status">Loading both tests…</p> : null}
      {state.phase === 'failed' ? <p role="alert">{state.message}</p> : null}
      {state.phase === 'ready' ? <CompareTables comparison={state.comparison} /> : null}
    </section>
  )
}

function CompareTables({ comparison }: { comparison: Comparison }) {
  const { a, b } = comparison
  const when = (iso: string) => new Date(iso).toLocaleString()
  return (
    <>
      <p class={styles.sides}>
        <span>
          A:{' '}
          <a href={testPath(a.id)} onClick={onLinkClick}>
            {when(a.createdAt)}
          </a>
          {a.url !== b.url ? <span class="mono"> {a.url}</span> : null}
        </span>
        <span>
          B:{' '}
          <a href={testPath(b.id)} onClick={onLinkClick}>
            {when(b.createdAt)}
          </a>
          {a.url !== b.url ? <span class="mono"> {b.url}</span> : null}
        </span>
        <a href={historyPath(b.url)} onClick={onLinkClick}>
          History of {b.url}
        </a>
      </p>
      <div class={styles.regions}>
        {comparison.regions.map((region, index) => (
          <table key={`${region.region}-${index}`} class={styles.table} data-region={region.region}>
            <caption>
              {region.region}
              {region.a === null ? ' (only in B)' : region.b === null ? ' (only in A)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">A</th>
                <th scope="col">B</th>
                <th scope="col">B − A</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map((row) => {
                const diff = region.diff[row.key]
                const said = verdict(row.kind, diff?.absolute ?? null)
                return (
                  <tr key={row.key} data-metric={row.key}>
                    <th scope="row">{row.label}</th>
                    <td>{formatValue(row.kind, diff?.a ?? null)}</td>
                    <td>{formatValue(row.kind, diff?.b ?? null)}</td>
                    <td class={said?.tone} data-diff={diff?.absolute ?? ''}>
                      {formatDelta(row.kind, diff?.absolute ?? null)}
                      <span class={styles.detail}>
                        {diff?.relative !== null && diff?.relative !== undefined
                          ? `${formatPercent(diff.relative)} `
                          : ''}
                        {said?.word ?? ''}
                      </span>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        ))}
      </div>
    </>
  )
}
