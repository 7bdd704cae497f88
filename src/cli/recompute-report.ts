/**
 * How `wps recompute` shows a recomputed test: per row, the stored numbers and the
 * recomputed ones on the line below (and the repeat view's the same way), a `*` beside
 * each number that changed, then one line saying whether everything matched.
 *
 *   recomputeTable(result)
 *   // https://example.com/
 *   // region  view    numbers     ttfb   fcp    lcp    cls   tbt   dcl    load   si     requests  bytes
 *   // ord     first   stored      41 ms  88 ms  240 ms 0.12  150 ms …
 *   // ord     first   recomputed  41 ms  88 ms  240 ms 0.12  100 ms* …
 *   // 1 number differs from the stored one.
 */
import type { RecomputedTest, RecomputedView, ViewNumbers } from '../speedtest/recompute.ts'
import { alignRows, numberCells, numberHeader } from './table.ts'

const HEADER = ['region', 'view', 'numbers', ...numberHeader({ speedIndex: true })]

function cells(n: ViewNumbers): string[] {
  return numberCells(n, { speedIndex: true })
}

/** The recomputed line, `*` marking each cell that differs from the stored one. */
function marked(view: RecomputedView): { line: string[]; changed: number } {
  const before = cells(view.stored)
  const after = cells(view.recomputed)
  let changed = 0
  const line = after.map((cell, i) => {
    if (cell === before[i]) return cell
    changed++
    return `${cell}*`
  })
  return { line, changed }
}

export function recomputeTable(test: RecomputedTest): string {
  const lines: string[][] = []
  const problems: string[] = []
  let changed = 0
  for (const row of test.rows) {
    if (!row.view) {
      problems.push(`${row.region} (${row.node}): not recomputed: ${row.problem ?? 'unknown'}`)
      continue
    }
    const views: Array<[string, RecomputedView]> = [['first', row.view]]
    if (row.repeatView) views.push(['repeat', row.repeatView])
    for (const [name, view] of views) {
      const recomputed = marked(view)
      changed += recomputed.changed
      lines.push([row.region, name, 'stored', ...cells(view.stored)])
      lines.push([row.region, name, 'recomputed', ...recomputed.line])
      if (view.recomputed.error?.code !== view.stored.error?.code) {
        problems.push(
          `${row.region} ${name}: error ${view.stored.error?.code ?? 'none'} → ${view.recomputed.error?.code ?? 'none'}`,
        )
      }
    }
  }
  const verdict =
    changed === 0
      ? 'Every recomputed number is the stored one.'
      : `${changed} number${changed === 1 ? ' differs' : 's differ'} from the stored one${changed === 1 ? '' : 's'} (marked *).`
  return [test.url, ...alignRows(HEADER, lines), ...problems, verdict].join('\n')
}
