/**
 * What a test's header says about it, truthfully: running while any row runs; done only
 * when every region ended and at least one completed; "every region failed" when none did;
 * and how many failed when some did — a test whose regions all failed is not a green Done.
 *
 *   testOutcome({ state: 'done', results: [failed, failed] })
 *   // → { tone: 'failed', text: 'Every region failed' }
 */
import type { RegionSummary, SpeedTest } from '../../api.ts'

export interface Outcome {
  tone: 'running' | 'done' | 'partial' | 'failed'
  text: string
}

export function testOutcome(test: {
  state: SpeedTest['state']
  results: Array<Pick<RegionSummary, 'status'>>
}): Outcome {
  if (test.state !== 'done') return { tone: 'running', text: 'Running' }
  const total = test.results.length
  const failed = test.results.filter((row) => row.status === 'error').length
  if (total === 0) return { tone: 'failed', text: 'No region measured' }
  if (failed === total) return { tone: 'failed', text: total === 1 ? 'Failed' : 'Every region failed' }
  if (failed > 0) return { tone: 'partial', text: `Done, ${failed} of ${total} failed` }
  return { tone: 'done', text: 'Done' }
}
