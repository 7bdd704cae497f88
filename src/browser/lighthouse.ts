/**
 * A Lighthouse performance audit of one URL, on a page of our own warm browser: that is
 * PageSpeed Insights, run from wherever the browser is. Lighthouse 12's Node API takes a
 * puppeteer Page and drives it over its own CDP session, so the audit runs in a fresh
 * browser context that goes through the same egress proxy (`measurementContext`) as a
 * measurement: the egress guard, the connectivity profile and the no-phone-home rule hold
 * for it too. BrowserHost opens that context (`host.lighthouse(url, …)`).
 *
 *   const outcome = await auditPage(page, 'https://example.com/', { device: 'desktop', timeoutMs: 45_000 })
 *   if (outcome.ok) outcome.summary.performance   // → 0.97; outcome.report is the whole LHR as JSON
 *   else outcome.error                             // → { code: 'lighthouse_failed', message: 'Lighthouse could not …' }
 *
 * Settings, and why:
 * - `onlyCategories: ['performance']`: the audit the row shows, and no gatherer that
 *   fetches anything of its own (robots.txt, the manifest and source maps belong to
 *   other categories).
 * - `throttlingMethod: 'provided'`: connectivity is enforced on the runner's egress proxy
 *   (delay and bandwidth per connection), so Lighthouse must not simulate or add its own.
 * - Desktop uses Lighthouse's desktop preset, mobile its default (Moto G Power, as
 *   devices.ts): the same presets PageSpeed Insights uses.
 * - No screenshot thumbnails or full-page screenshot: they are most of a report's bytes
 *   (460 KB of 600 KB on a test page) and the row has its own filmstrip.
 * Lighthouse never reports errors anywhere (its Sentry reporting is off unless asked for),
 * and it is imported only when an audit runs, so a runner that never audits pays nothing.
 */
import type { Page } from 'puppeteer-core'
import type { DeviceName } from './devices.ts'
import { type LighthouseSummary, summarizeLighthouse } from './lighthouse-summary.ts'
import type { MeasureError } from './types.ts'

export interface LighthouseOptions {
  device: DeviceName
  /** The whole audit's limit; Lighthouse's own page-load wait is kept below it. */
  timeoutMs: number
  signal?: AbortSignal
}

export type LighthouseOutcome =
  | { ok: true; report: string; summary: LighthouseSummary; durationMs: number }
  | { ok: false; error: MeasureError; durationMs: number }

/** Lighthouse's flags for an audit as described in the module comment. */
export function lighthouseFlags(timeoutMs: number) {
  const maxWaitForLoad = Math.max(5_000, timeoutMs - 10_000)
  return {
    logLevel: 'error' as const,
    output: 'json' as const,
    onlyCategories: ['performance'],
    throttlingMethod: 'provided' as const,
    skipAudits: ['screenshot-thumbnails', 'full-page-screenshot'],
    disableFullPageScreenshot: true,
    maxWaitForLoad,
    maxWaitForFcp: Math.min(maxWaitForLoad, 30_000),
  }
}

export async function auditPage(
  page: Page,
  url: string,
  options: LighthouseOptions,
): Promise<LighthouseOutcome> {
  const started = performance.now()
  const took = () => Math.round(performance.now() - started)
  try {
    options.signal?.throwIfAborted()
    const { default: lighthouse, desktopConfig } = await import('lighthouse')
    const config = options.device === 'desktop' ? desktopConfig : undefined
    // Lighthouse is typed against its own puppeteer-core (23); ours (24) is the same Page
    // at run time: Lighthouse only asks it for its target and a CDP session.
    const run = lighthouse(
      url,
      lighthouseFlags(options.timeoutMs),
      config,
      page as unknown as Parameters<typeof lighthouse>[3],
    )
    const result = await deadline(run, options.timeoutMs, options.signal, () => page.close().catch(() => {}))
    if (result === 'timeout') {
      return {
        ok: false,
        error: {
          code: 'lighthouse_timeout',
          message: `Lighthouse did not finish within ${Math.round(options.timeoutMs / 1000)} s.`,
        },
        durationMs: took(),
      }
    }
    if (!result) return failed('Lighthouse returned no report.', took())
    const report = JSON.stringify(result.lhr)
    const summary = summarizeLighthouse(result.lhr)
    if (!summary) return failed('Lighthouse returned a report this version cannot read.', took())
    if (summary.runtimeError) {
      return failed(`Lighthouse could not audit the page: ${summary.runtimeError.message}`, took())
    }
    return { ok: true, report, summary, durationMs: took() }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason
    const why = error instanceof Error ? error.message : String(error)
    return failed(`Lighthouse failed: ${why}`, took())
  }
}

function failed(message: string, durationMs: number): LighthouseOutcome {
  return { ok: false, error: { code: 'lighthouse_failed', message }, durationMs }
}

/** The run's result, or 'timeout' once `ms` have passed (then `stop` is called so the run ends too). */
async function deadline<T>(
  run: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  stop: () => Promise<unknown>,
): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const late = new Promise<'timeout'>((resolve, reject) => {
    timer = setTimeout(() => resolve('timeout'), ms)
    onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const winner = await Promise.race([run, late])
    if (winner === 'timeout') {
      run.catch(() => {})
      await stop()
    }
    return winner
  } catch (error) {
    run.catch(() => {})
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}
