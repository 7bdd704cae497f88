/**
 * One section's figures beside the baseline's, as `--baseline` prints them after both ran:
 * figure key, this tree's value, the baseline's, and the change in percent of the baseline.
 *
 *   comparisonTable('store', { status: 'ok', figures: { 'sqlite.listP50Ms': 1.1 } },
 *                   { status: 'ok', figures: { 'sqlite.listP50Ms': 1.25 } }, 'main')
 *   // store: this tree vs main
 *   //   figure             this tree   main   change
 *   //   sqlite.listP50Ms   1.1         1.25   -12.0%
 *
 * "—" stands where there is nothing to compare: a key one side does not return, a figure it
 * could not measure (null), a section the baseline does not have or that broke there (the
 * line under the title says which), a change from a baseline of 0.
 */
import type { Figures } from './figures.ts'

export type SectionOutcome =
  | { status: 'ok'; figures: Figures; seconds?: number }
  | { status: 'missing'; reason: string }
  | { status: 'broken'; error: string; seconds?: number }

const DASH = '—'

/** Four significant digits, no exponent for the sizes figures have; integers from 1000 up. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH
  if (Math.abs(value) >= 1000) return Math.round(value).toString()
  return String(Number(value.toPrecision(4)))
}

/** (current − baseline) / |baseline|, in percent with a sign; "—" when either is missing or the baseline is 0. */
export function formatChange(
  current: number | null | undefined,
  baseline: number | null | undefined,
): string {
  if (current === null || current === undefined || baseline === null || baseline === undefined) return DASH
  if (baseline === 0) return current === 0 ? '0.0%' : DASH
  const change = ((current - baseline) / Math.abs(baseline)) * 100
  return `${change > 0 ? '+' : ''}${change.toFixed(1)}%`
}

const figuresOf = (outcome: SectionOutcome): Figures => (outcome.status === 'ok' ? outcome.figures : {})

function why(outcome: SectionOutcome, side: string): string | null {
  if (outcome.status === 'missing') return `${side} has no such section (${outcome.reason})`
  if (outcome.status === 'broken') return `${side}'s section broke: ${outcome.error.split('\n')[0]}`
  return null
}

export function comparisonTable(
  section: string,
  current: SectionOutcome,
  baseline: SectionOutcome,
  baselineLabel: string,
): string[] {
  const mine = figuresOf(current)
  const theirs = figuresOf(baseline)
  const keys = [...Object.keys(mine), ...Object.keys(theirs).filter((key) => !(key in mine))]
  const lines = [`${section}: this tree vs ${baselineLabel}`]
  for (const note of [why(current, 'this tree'), why(baseline, baselineLabel)])
    if (note) lines.push(`  (${note})`)
  if (keys.length === 0) {
    lines.push('  (no figures returned)')
    return lines
  }
  const rows = [
    ['figure', 'this tree', baselineLabel, 'change'],
    ...keys.map((key) => [
      key,
      formatValue(mine[key]),
      formatValue(theirs[key]),
      formatChange(mine[key], theirs[key]),
    ]),
  ]
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? []
  for (const row of rows) {
    // the key left-aligned, the numbers right-aligned so their digits line up
    const cells = row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    )
    lines.push(`  ${cells.join('   ')}`)
  }
  return lines
}
