/**
 * The Lighthouse step of a region's row, for a test started with `lighthouse: true`.
 * Once the timed measurement has ended with numbers, the row is sent as it is with
 * `final: false` and `lighthouse: { status: 'running' }` — the web page and `wps run`
 * say "Running Lighthouse" — then the audit runs on the node's pool (lighthouse-audit.ts)
 * and the final row follows, with the score, the metric audits, the top opportunities
 * and links to the full report:
 *
 *   const final = toFinalUpdate(measurements, boot, visuals)     // the row as it would end without Lighthouse
 *   return await lighthouseStep(final, { pool, url, device, egress, … }, emit, signal)
 *   // emits { …final, final: false, lighthouse: { status: 'running', … } }, then returns
 *   // { …final, final: true, lighthouse: { status: 'complete', performance: 0.97, audits, opportunities, durationMs },
 *   //   artifacts: { …, lighthouse: { html: '/api/tests/…/lighthouse.html', json: '…/lighthouse.json' } },
 *   //   reports: [{ name: 'lighthouse.json', text }] }
 *
 * The report's JSON travels beside the row (`reports`) to the node that owns the test,
 * which keeps it and its HTML rendering in the store (lighthouse-files.ts); a report over
 * REPORT_BUDGET stays behind (the row keeps its score and opportunities, without links). A failed or
 * timed-out audit, or a runner lost during it, ends the row `complete` all the same with
 * `lighthouse: { status: 'error', error }`: the measurement is never lost to Lighthouse.
 * A row whose page load failed is not audited (`lighthouse.error.code` = `not_run`).
 */
import type { Pool } from '@world-page-speed/flame'
import type { DeviceName } from '../browser/devices.ts'
import type { LighthouseOutcome } from '../browser/lighthouse.ts'
import type { MeasureError } from '../browser/types.ts'
import { lighthouseCallTimeoutMs } from './deadlines.ts'
import type { EgressPolicy } from './egress.ts'
import { lighthouseAudit } from './lighthouse-audit.ts'
import type { RowLighthouse } from './model.ts'
import type { RegionUpdate } from './protocol.ts'
import { artifactUrl } from './visual-artifacts.ts'

export const LIGHTHOUSE_JSON = 'lighthouse.json'
export const LIGHTHOUSE_HTML = 'lighthouse.html'
/**
 * Characters of report JSON a row may carry across the cluster (one NATS message is 1 MB
 * by default, and the final row holds the network log too). Reports here are 90–140 KB; a
 * larger one keeps its score and opportunities on the row, without the full report.
 */
export const REPORT_BUDGET = 600_000
/** Default limit of one audit: Lighthouse takes 8–14 s on a test page here, 20 s and more on a heavy one. */
export const LIGHTHOUSE_TIMEOUT_MS = 60_000

export interface LighthouseStepOptions {
  pool: Pool
  testId: string
  node: string
  url: string
  device: DeviceName
  egress: EgressPolicy
  machineSlots: number
  /** The audit's own limit (WPS_LIGHTHOUSE_TIMEOUT_MS). */
  timeoutMs: number
  /** How long the audit may wait for a free runner. */
  queueTimeoutMs: number
}

export function runningLighthouse(): RowLighthouse {
  return blank('running', null)
}

export function failedLighthouse(error: MeasureError, durationMs: number | null = null): RowLighthouse {
  return { ...blank('error', error), durationMs }
}

export async function lighthouseStep(
  final: RegionUpdate,
  options: LighthouseStepOptions,
  emit: (update: RegionUpdate) => void,
  signal: AbortSignal,
): Promise<RegionUpdate> {
  if (final.status !== 'complete') {
    return {
      ...final,
      lighthouse: failedLighthouse({
        code: 'not_run',
        message: 'Lighthouse did not run: the page load itself failed.',
      }),
    }
  }
  emit({ ...final, final: false, lighthouse: runningLighthouse(), updatedAt: Date.now() })
  // The images and the gathered data went with the row above; the final row links to them and carries none.
  const { images: _images, gathered: _gathered, ...row } = final
  let outcome: LighthouseOutcome
  try {
    outcome = await options.pool.call(
      lighthouseAudit,
      {
        url: options.url,
        device: options.device,
        timeoutMs: options.timeoutMs,
        egress: options.egress,
        machineSlots: options.machineSlots,
      },
      {
        timeout: lighthouseCallTimeoutMs({
          queueTimeoutMs: options.queueTimeoutMs,
          lighthouseTimeoutMs: options.timeoutMs,
        }),
        signal,
      },
    )
  } catch (error) {
    if (signal.aborted) throw error
    const why = error instanceof Error ? error.message : String(error)
    outcome = {
      ok: false,
      error: { code: 'lighthouse_failed', message: `Lighthouse could not run: ${why}` },
      durationMs: 0,
    }
  }
  return { ...row, ...lighthouseFields(outcome, options, row.artifacts), final: true, updatedAt: Date.now() }
}

/** The row's fields for an audit's outcome (its summary, report links and the report itself). */
export function lighthouseFields(
  outcome: LighthouseOutcome,
  where: { testId: string; node: string },
  artifacts: RegionUpdate['artifacts'],
): Partial<RegionUpdate> {
  if (!outcome.ok) return { lighthouse: failedLighthouse(outcome.error, outcome.durationMs) }
  const { summary } = outcome
  const kept = outcome.report.length <= REPORT_BUDGET
  return {
    lighthouse: {
      status: 'complete',
      performance: summary.performance,
      audits: summary.audits,
      opportunities: summary.opportunities,
      lighthouseVersion: summary.lighthouseVersion,
      durationMs: outcome.durationMs,
      error: null,
    },
    ...(kept
      ? {
          artifacts: {
            filmstrip: artifacts?.filmstrip ?? [],
            screenshot: artifacts?.screenshot ?? null,
            lighthouse: {
              html: artifactUrl(where.testId, where.node, LIGHTHOUSE_HTML),
              json: artifactUrl(where.testId, where.node, LIGHTHOUSE_JSON),
            },
          },
          reports: [{ name: LIGHTHOUSE_JSON, text: outcome.report }],
        }
      : {}),
  }
}

function blank(status: RowLighthouse['status'], error: MeasureError | null): RowLighthouse {
  return {
    status,
    performance: null,
    audits: {},
    opportunities: [],
    lighthouseVersion: null,
    durationMs: null,
    error,
  }
}
