/**
 * All runs of a multi-run row: each run's headline numbers, the median run marked (the
 * row shows its numbers: the run with the median load time), and fastest / median /
 * slowest per metric.
 *
 *   <RunsTable runs={row.runs} medianRun={row.medianRun} />
 */

import { formatMs } from '../../../../src/format/index.ts'
import type { RunSummary } from '../../../../src/speedtest/model.ts'
import { errorTitle } from '../../errors.ts'
import detail from '../row-details/row-details.module.css'
import styles from './runs.module.css'
import { runStats } from './stats.ts'

interface Props {
  runs: RunSummary[]
  medianRun: number | undefined
}

export function RunsTable({ runs, medianRun }: Props) {
  const stats = runStats(runs, medianRun)
  return (
    <details class={detail.details} data-testid="runs">
      <summary>
        {runs.length} runs · the numbers above are run {(medianRun ?? 0) + 1}, the median by load time
      </summary>
      <div class={detail.scroller}>
        <table class={detail.table}>
          <thead>
            <tr>
              <th scope="col">Run</th>
              {stats.map((stat) => (
                <th scope="col" key={stat.key}>
                  {stat.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((run, index) => (
              <tr key={`run-${index + 1}`} class={index === medianRun ? styles.median : undefined}>
                <th scope="row">
                  {index + 1}
                  {index === medianRun ? ' (median)' : ''}
                </th>
                {run.error ? (
                  <td colSpan={stats.length}>{errorTitle(run.error.code)}</td>
                ) : (
                  stats.map((stat) => <td key={stat.key}>{formatMs(run.metrics[stat.key])}</td>)
                )}
              </tr>
            ))}
            {(['min', 'max'] as const).map((which) => (
              <tr key={which} class={styles.summary}>
                <th scope="row">{which === 'min' ? 'Fastest' : 'Slowest'}</th>
                {stats.map((stat) => (
                  <td key={stat.key}>{formatMs(stat[which])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
