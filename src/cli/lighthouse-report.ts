/**
 * What `wps run --lighthouse` prints of each region's audit, under the result table: the
 * performance score out of 100 with its rating in words, and the top opportunities (what a
 * fix would save). The full report is in `--json` (the row's `lighthouse`) and, on a
 * server, at the row's `artifacts.lighthouse` URLs.
 *
 *   lighthouseLines(test)
 *   // → ['Lighthouse performance (12.2.3, provided throttling)',
 *   //     '  local  97 (Good)  in 9.8 s',
 *   //     '         Serve images in next-gen formats: 139 KiB', …]
 */
import { formatBytes, formatMs, lighthouseText } from '../format/index.ts'
import type { SpeedTest } from '../speedtest/model.ts'

export function lighthouseLines(test: SpeedTest): string[] {
  const rows = test.results.filter((row) => row.lighthouse)
  if (rows.length === 0) return []
  const version = rows.find((row) => row.lighthouse?.lighthouseVersion)?.lighthouse?.lighthouseVersion
  const width = Math.max(...rows.map((row) => row.region.length))
  const lines = [`Lighthouse performance${version ? ` (${version}, provided throttling)` : ''}`]
  for (const row of rows) {
    const audit = row.lighthouse
    if (!audit) continue
    const region = row.region.padEnd(width)
    if (audit.status !== 'complete') {
      lines.push(`  ${region}  no score: ${audit.error?.message ?? audit.status}`)
      continue
    }
    const took = audit.durationMs === null ? '' : `  in ${formatMs(audit.durationMs)}`
    lines.push(`  ${region}  ${lighthouseText(audit.performance)}${took}`)
    for (const opportunity of audit.opportunities) {
      const saving = [
        opportunity.savingsMs ? formatMs(opportunity.savingsMs) : null,
        opportunity.savingsBytes ? formatBytes(opportunity.savingsBytes) : null,
      ].filter((part) => part !== null)
      lines.push(
        `  ${' '.repeat(width)}  ${opportunity.title}${saving.length ? `: ${saving.join(', ')}` : ''}`,
      )
    }
  }
  return lines
}
