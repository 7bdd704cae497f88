/**
 * A row's waterfall behind a disclosure, with a run picker when the row has several runs
 * (run-choice.ts): the median run's shown first, any other run's a choice away.
 *
 *   <RowWaterfall row={row} />
 */
import { useState } from 'preact/hooks'
import type { RegionResult } from '../../api.ts'
import { waterfallChoices } from './run-choice.ts'
import { Waterfall } from './Waterfall.tsx'
import styles from './waterfall.module.css'

export function RowWaterfall({ row }: { row: RegionResult }) {
  const { choices, initial } = waterfallChoices(row)
  const [picked, setPicked] = useState<number | null>(null)
  const index = picked !== null && picked < choices.length ? picked : initial
  const shown = choices[index]
  if (!shown) return null
  return (
    <details class="row-waterfall">
      <summary>Waterfall · {shown.entries.length} requests</summary>
      {choices.length > 1 ? (
        <label class={styles.runPicker}>
          Run{' '}
          <select
            data-testid="waterfall-run"
            value={String(index)}
            onChange={(event) => setPicked(Number((event.target as HTMLSelectElement).value))}
          >
            {choices.map((choice, i) => (
              <option key={choice.label} value={String(i)}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <Waterfall entries={shown.entries} metrics={shown.metrics} />
    </details>
  )
}
