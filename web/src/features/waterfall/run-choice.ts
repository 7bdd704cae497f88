/**
 * Which network logs a row can draw as a waterfall: one per run of a multi-run row (the
 * median run's is the row's own `entries`; the others carry theirs), each with that run's
 * own milestones, the median first chosen. A single-run row has just its own.
 *
 *   const { choices, initial } = waterfallChoices(row)
 *   choices[initial]   // → { label: 'Run 2 (median)', entries, metrics }
 */
import type { Metrics } from '../../../../src/browser/types.ts'
import type { Entry, RegionResult } from '../../api.ts'

export interface WaterfallChoice {
  label: string
  entries: Entry[]
  metrics: Partial<Metrics>
}

export function waterfallChoices(row: Pick<RegionResult, 'entries' | 'metrics' | 'runs' | 'medianRun'>): {
  choices: WaterfallChoice[]
  initial: number
} {
  const own: WaterfallChoice[] =
    row.entries && row.entries.length > 0
      ? [{ label: 'Median run', entries: row.entries, metrics: row.metrics }]
      : []
  const runs = row.runs ?? []
  if (runs.length < 2) return { choices: own, initial: 0 }
  const median = row.medianRun ?? -1
  const choices: WaterfallChoice[] = []
  let initial = 0
  runs.forEach((run, i) => {
    const entries = i === median ? row.entries : run.entries
    if (!entries || entries.length === 0) return
    if (i === median) initial = choices.length
    choices.push({
      label: `Run ${i + 1}${i === median ? ' (median)' : ''}`,
      entries,
      metrics: i === median ? row.metrics : run.metrics,
    })
  })
  return choices.length > 0 ? { choices, initial } : { choices: own, initial: 0 }
}
