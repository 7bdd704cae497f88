/**
 * The late window's cost: how long after the page's own `load` the first numbers and
 * the final row come, on a page that is quiet after `load` and on the late fixture page
 * (shift at load+250 ms, long tasks to load+850 ms, a hero asked for at load+1.5 s),
 * beside a measurement without a late window (what the first numbers were before it).
 *
 *   npm run bench -- late
 *
 * Targets: the first numbers as fast as without a late window (within 20 ms, median);
 * the final row 2 s (LATE_QUIET_MS) after the page's last activity, plus at most 150 ms
 * of our own and what finishing the filmstrip costs (measured here as the time a
 * measurement without a late window takes after its first numbers would be ready).
 *
 * Returns what it prints, per page, in ms after the page's `load`: `quietPage.firstNumbersMs`,
 * `latePage.finalRowMs`, `latePage.finalRowTargetMs`, …
 */
import { BrowserHost, type Measurement } from '../src/browser/index.ts'
import { LATE_QUIET_MS } from '../src/browser/late-window.ts'
import { LATE, startLateSite, WATERFALL } from '../test/fixtures/late-site.ts'
import { fmt, median } from './support.ts'

const RUNS = 5

interface Timed {
  /** ms from the navigation to the first numbers, and to the result */
  first: number
  final: number
  load: number
  result: Measurement
}

async function timed(host: BrowserHost, url: string, late: boolean): Promise<Timed> {
  let navigated = 0
  let first = Number.NaN
  const result = await host.measure(url, {
    timeoutMs: 20_000,
    onNavigationStart: () => {
      navigated = performance.now()
    },
    ...(late
      ? {
          late: { windowMs: 5000 },
          onFirstNumbers: () => {
            first = performance.now() - navigated
          },
        }
      : {}),
  })
  const final = performance.now() - navigated
  await host.whenIdle()
  return { first: late ? first : final, final, load: result.metrics.load ?? Number.NaN, result }
}

/** One page's medians, in ms after its own `load`. */
export interface LatePageFigures {
  firstNumbersMs: number
  /** what the first numbers were without a late window (the call's end) */
  firstNumbersNoLateWindowMs: number
  finalRowMs: number
  /** the last activity + LATE_QUIET_MS + filmstripMs + 150 ms */
  finalRowTargetMs: number
  /** finishing the filmstrip, the part of the target that is measured */
  filmstripMs: number
}

export async function benchLate(): Promise<Record<'quietPage' | 'latePage', LatePageFigures>> {
  console.log('\n== late window: first numbers and final row, above the page’s own load ==')
  const site = await startLateSite()
  const host = await BrowserHost.launch()
  try {
    const figures: Partial<Record<'quietPage' | 'latePage', LatePageFigures>> = {}
    for (const [key, name, path, lastActivity] of [
      ['quietPage', 'quiet page', WATERFALL.path, 0],
      ['latePage', 'late page', LATE.path, LATE.heroAfterLoadMs],
    ] as const) {
      const url = `${site.url}${path}`
      await timed(host, url, true) // warm-up
      const before: number[] = []
      const first: number[] = []
      const final: number[] = []
      const finishing: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const plain = await timed(host, url, false)
        before.push(plain.final - plain.load)
        const late = await timed(host, url, true)
        first.push(late.first - late.load)
        final.push(late.final - late.load)
        finishing.push(Math.max(0, plain.final - plain.load - (late.first - late.load)))
      }
      const target = lastActivity + LATE_QUIET_MS + median(finishing)
      console.log(
        `${name.padEnd(10)}  first numbers ${fmt(median(first))} after load (no late window: ${fmt(median(before))}; ` +
          `target within 20 ms of it)  ${median(first) - median(before) <= 20 ? 'ok' : 'MISSED'}`,
      )
      console.log(
        `${''.padEnd(10)}  final row     ${fmt(median(final))} after load (target ≤ ${fmt(target + 150)}: last activity ` +
          `${lastActivity > 0 ? `≈ load + ${lastActivity} ms (the hero)` : 'at load'} + ${LATE_QUIET_MS} ms quiet + ` +
          `${fmt(median(finishing))} filmstrip + 150 ms)  ${median(final) <= target + 150 ? 'ok' : 'MISSED'}`,
      )
      figures[key] = {
        firstNumbersMs: median(first),
        firstNumbersNoLateWindowMs: median(before),
        finalRowMs: median(final),
        finalRowTargetMs: target + 150,
        filmstripMs: median(finishing),
      }
    }
    const { quietPage, latePage } = figures
    if (!quietPage || !latePage) throw new Error('late bench: a page was not measured')
    return { quietPage, latePage }
  } finally {
    await host.close()
    await site.close()
  }
}
