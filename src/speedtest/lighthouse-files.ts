/**
 * A row's Lighthouse report as files of the store, on the node that owns the test: the
 * JSON (the LHR) as it came from the region, and the HTML report Lighthouse itself
 * renders from it (its report generator, the page `lighthouse --output html` writes).
 * Only the JSON crosses the cluster — the HTML inlines the same JSON plus 300 KB of
 * renderer — and the HTML is rendered once, here, before the row that links to it is
 * written. Both are served by `GET /api/tests/:id/artifacts/:node/lighthouse.{html,json}`.
 *
 *   const files = await lighthouseFiles([{ name: 'lighthouse.json', text }])
 *   // → [{ name: 'lighthouse.json', contentType: 'application/json', data }, { name: 'lighthouse.html', contentType: 'text/html; charset=utf-8', data }]
 *
 * A report that is not a Lighthouse result is kept as JSON only (there is nothing to render).
 */
import { summarizeLighthouse } from '../browser/lighthouse-summary.ts'
import type { StoredFile } from '../store/index.ts'
import { LIGHTHOUSE_HTML, LIGHTHOUSE_JSON } from './lighthouse-step.ts'
import type { RowReport } from './protocol.ts'

export const JSON_TYPE = 'application/json; charset=utf-8'
export const HTML_TYPE = 'text/html; charset=utf-8'

export async function lighthouseFiles(reports: readonly RowReport[]): Promise<StoredFile[]> {
  const files: StoredFile[] = []
  for (const report of reports) {
    if (report.name !== LIGHTHOUSE_JSON) continue
    files.push({ name: LIGHTHOUSE_JSON, contentType: JSON_TYPE, data: Buffer.from(report.text, 'utf8') })
    const html = await renderHtml(report.text)
    if (html !== null)
      files.push({ name: LIGHTHOUSE_HTML, contentType: HTML_TYPE, data: Buffer.from(html, 'utf8') })
  }
  return files
}

async function renderHtml(text: string): Promise<string | null> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return null
  }
  if (!summarizeLighthouse(parsed)) return null
  const { ReportGenerator } = await import('lighthouse/report/generator/report-generator.js')
  // Checked above to be a Lighthouse result (version, categories, audits); the renderer reads the rest itself.
  return ReportGenerator.generateReportHtml(
    parsed as Parameters<typeof ReportGenerator.generateReportHtml>[0],
  )
}
