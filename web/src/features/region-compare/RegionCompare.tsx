/**
 * Every headline metric across regions in one compact table: a row per region node, a
 * column per metric, the fastest and slowest of each column marked with a word and a
 * symbol (not colour alone), each Web Vital cell tinted by its rating. Column headers are
 * buttons that sort (aria-sort tells screen readers). The region column stays put while
 * the numbers scroll sideways on a phone.
 *
 *   <RegionCompare rows={test.results} places={cityByRegion} />
 */
import { useState } from 'preact/hooks'
import { statusText } from '../../../../src/format/index.ts'
import type { RegionResult } from '../../api.ts'
import { ratingClass } from '../ratings/Rating.tsx'
import { COLUMNS, cellValue, type Direction, extremes, type SortKey, sortRows } from './columns.ts'
import styles from './region-compare.module.css'

interface Props {
  rows: RegionResult[]
  places: Map<string, string>
}

export function RegionCompare({ rows, places }: Props) {
  const [sort, setSort] = useState<{ key: SortKey; direction: Direction } | null>(null)
  const marks = extremes(rows)
  const shown = sort ? sortRows(rows, sort.key, sort.direction) : rows
  const toggle = (key: SortKey) =>
    setSort((current) =>
      current?.key === key
        ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { key, direction: 'asc' },
    )
  const ariaSort = (key: SortKey) =>
    sort?.key === key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined

  return (
    <section class={styles.compare} data-testid="region-compare" aria-labelledby="region-compare-title">
      <h3 id="region-compare-title" class={styles.title}>
        Regions side by side
      </h3>
      <div class={styles.scroller}>
        <table class={styles.table}>
          <thead>
            <tr>
              <th scope="col" class={styles.sticky} aria-sort={ariaSort('region')}>
                <button type="button" onClick={() => toggle('region')}>
                  Region
                </button>
              </th>
              {COLUMNS.map((column) => (
                <th scope="col" key={column.key} aria-sort={ariaSort(column.key)} data-column={column.key}>
                  <button type="button" onClick={() => toggle(column.key)}>
                    {column.label}
                    <span aria-hidden="true">
                      {sort?.key === column.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const errorPage = (row.httpStatus ?? 0) >= 400 ? row.httpStatus : null
              return (
                <tr key={row.node} data-region={row.region} data-status={row.status}>
                  <th scope="row" class={styles.sticky}>
                    {places.get(row.region) ?? row.region}
                    {row.status !== 'complete' ? (
                      <span class={styles.state}> {statusText(row.status, row.queuePosition)}</span>
                    ) : null}
                    {errorPage ? <span class={styles.state}> HTTP {errorPage}</span> : null}
                  </th>
                  {COLUMNS.map((column) => {
                    const value = cellValue(row, column.key)
                    const mark = marks[column.key]
                    const fastest = mark.fastest === row.node
                    const slowest = mark.slowest === row.node
                    const tone = column.rated ? ratingClass(column.rated, value, errorPage) : ''
                    return (
                      <td
                        key={column.key}
                        class={tone}
                        data-column={column.key}
                        data-extreme={fastest ? 'fastest' : slowest ? 'slowest' : undefined}
                      >
                        {column.format(value)}
                        {fastest ? <span class={styles.fastest}> ▼ fastest</span> : null}
                        {slowest ? <span class={styles.slowest}> ▲ slowest</span> : null}
                      </td>
                    )
                  })}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
