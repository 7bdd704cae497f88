/**
 * One measurement in a prepared slot: navigate, wait for the end of the page load,
 * gather raw data, compute. What is gathered is kept as a gathered load (gathered.ts)
 * and every number is computed from it by `computeMeasurement` (compute.ts), the same
 * code that recomputes a stored load offline; the measurement carries it (`gathered`).
 *
 * The end of a page load is the `load` event, then at
 * least 50 ms, 50 ms without a request in flight, the first contentful paint, and no
 * finished image still waiting to become the LCP entry (up to 300 ms), capped at 2 s.
 * Everything runs under the hard `timeoutMs`; a timeout still reports what had been
 * measured by then.
 *
 * Hostile pages end with a row that says what happened: dialogs are dismissed by the
 * slot; a page whose main thread stops answering is `page_unresponsive` with the
 * numbers the collector pushed before it stopped; a page that keeps navigating itself
 * (meta refresh, `location.replace` in a loop) is stopped after `LOOP_LIMIT` documents
 * as `navigation_loop`, reporting the URL it was at; a URL the browser would download
 * rather than show is `download`.
 *
 * Numbers that stay true after `load`: with `late`, the first numbers (at `load` +
 * settle) go to `onFirstNumbers` at once, and the same page is then observed for a late
 * window, which ends once network and main thread have both been quiet for `quietMs`
 * (2 s, WebPageTest's activity window; the main thread counts as busy when a long task
 * ended), and no later than `windowMs` after `load`. The returned measurement is then
 * read again, late layout shifts, long tasks and LCP candidates included (late-window.ts).
 *
 *   const m = await measureInSlot(slot, 'https://example.com/', {
 *     timeoutMs: 30_000, late: { windowMs: 5000 }, onFirstNumbers: (first) => show(first),
 *   }, browserGone)
 *   m.metrics.lcp, m.requests, m.error   // error: null | { code: 'timeout', … }
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { CDPSession } from 'puppeteer-core'
import { askProxyWhyUnreachable, proxyUrlFromSwitch } from '../net/ask-proxy.ts'
import { computeMeasurement } from './compute.ts'
import {
  browserCrashedError,
  documentProxyErrno,
  navigationError,
  navigationLoopError,
  pageUnresponsiveError,
  timeoutError,
} from './errors.ts'
import { startVisuals, type VisualOptions } from './frames.ts'
import { type GatheredLoad, gatheredLoad } from './gathered.ts'
import { type LateWindow, observeLateWindow } from './late-window.ts'
import { computeMetrics } from './metrics.ts'
import type { NetworkLog } from './network-log.ts'
import { summariseNetwork } from './network-summary.ts'
import {
  asRawPageMetrics,
  LCP_PENDING_EXPRESSION,
  type RawPageMetrics,
  READ_EXPRESSION,
} from './page-script.ts'
import type { Slot } from './slot.ts'
import type { MeasureError, Measurement, Visuals } from './types.ts'

export interface MeasureOptions {
  /** Hard limit for the whole page load, navigation included. */
  timeoutMs: number
  /** Called just before the browser is told to navigate (the "Loading page" moment). */
  onNavigationStart?: () => void
  /** Aborting rejects `measure` with the signal's reason. */
  signal?: AbortSignal
  /** Override the end-of-load rule (defaults: SETTLE). */
  settle?: Partial<Settle>
  /** Keep observing after the first numbers (see the module comment); without it they are final. */
  late?: Partial<LateWindow> & { windowMs: number }
  /** With `late`: called with the first numbers, at `load` + settle, before the late window. */
  onFirstNumbers?: (first: Measurement) => void
  /** Device emulated and filmstrip recorded (frames.ts); default desktop with a filmstrip. */
  visuals?: VisualOptions
  /** After the first view, load the URL again in the same context, warm cache (repeat-view.ts). */
  repeatView?: boolean
}

/** When a loaded page counts as finished: see the module comment. */
export interface Settle {
  minAfterLoadMs: number
  quietMs: number
  maxAfterLoadMs: number
  /** How long after `load` to keep waiting for an image that may still become the LCP. */
  lcpWaitMs: number
}

// A late hero image becomes the LCP entry only once painted after decode: measured here
// up to ~95 ms after `load` for a 2 MB hero (docs/architecture.md: read 100 ms after load it was
// right every time). Rather than always waiting that long, we wait 50 ms and then for as
// long as the page holds a finished image that should outrank the current LCP entry
// (up to `lcpWaitMs`). Requests started in that window, or chained within 50 ms of each
// other, still count.
export const SETTLE: Readonly<Settle> = {
  minAfterLoadMs: 50,
  quietMs: 50,
  maxAfterLoadMs: 2000,
  lcpWaitMs: 300,
}
/** Asking the page whether an image is still on its way must not hang on a page whose main thread never yields. */
const READ_TIMEOUT_MS = 1000
/**
 * The final read waits this long (within the hard timeout) before the page counts as
 * unresponsive: a long task of a few seconds after `load` is slow, not stuck, and its
 * blocking time belongs in TBT.
 */
const UNRESPONSIVE_AFTER_MS = 5000
/** Documents the main frame may commit by itself (client-side redirects) before it is a loop. */
export const LOOP_LIMIT = 10

type Interrupt =
  | { kind: 'timeout' }
  | { kind: 'crashed'; detail: string }
  | { kind: 'aborted' }
  | { kind: 'loop'; documents: readonly string[] }

export async function measureInSlot(
  slot: Slot,
  url: string,
  opts: MeasureOptions,
  browserGone: AbortSignal,
  /** The proxy this browser was launched with, which can say why a target was unreachable. */
  proxyServer?: string,
): Promise<Measurement> {
  opts.signal?.throwIfAborted()
  const recording = await startVisuals(slot, opts.visuals)
  const deadline = performance.now() + opts.timeoutMs
  const ended = new AbortController()
  const interrupted = new Promise<Interrupt>((resolve) => {
    sleep(opts.timeoutMs, undefined, { signal: ended.signal }).then(
      () => resolve({ kind: 'timeout' }),
      () => {},
    )
    slot.crashed.then((detail) => resolve({ kind: 'crashed', detail: `renderer: ${detail}` }))
    slot.documentsBeyond(LOOP_LIMIT).then((documents) => resolve({ kind: 'loop', documents }))
    const onGone = () => resolve({ kind: 'crashed', detail: String(browserGone.reason) })
    if (browserGone.aborted) onGone()
    else browserGone.addEventListener('abort', onGone, { signal: ended.signal })
    opts.signal?.addEventListener('abort', () => resolve({ kind: 'aborted' }), { signal: ended.signal })
  })

  try {
    const first = await firstNumbers(slot, url, opts, deadline, interrupted, ended.signal, proxyServer)
    const firstMeasurement = computeMeasurement(first.gathered)
    if (!opts.late || first.loadAt === undefined || firstMeasurement.error) {
      return finished(first.gathered, await recording.finish(first.visualsOk))
    }
    // The filmstrip goes on through the late window (a late hero is part of what the page looked like).
    opts.onFirstNumbers?.(firstMeasurement)
    const late = await Promise.race([
      observeLateWindow(slot, first.loadAt, opts.late, ended.signal),
      interrupted,
    ])
    if (late !== undefined && late.kind === 'aborted') throw opts.signal?.reason
    // The browser went away mid-window: the first numbers are all there will be.
    if (late !== undefined && late.kind === 'crashed') {
      return finished(first.gathered, await recording.finish(false))
    }
    // A timeout or a loop ends the window early; the page is read as it is now.
    const final = await withLateEntries(slot, first.gathered)
    return finished(final, await recording.finish(true))
  } finally {
    ended.abort()
  }
}

/** The numbers at `load` + settle: what a measurement without a late window reports. */
async function firstNumbers(
  slot: Slot,
  url: string,
  opts: MeasureOptions,
  deadline: number,
  interrupted: Promise<Interrupt>,
  endedSignal: AbortSignal,
  proxyServer: string | undefined,
): Promise<{ gathered: GatheredLoad; visualsOk: boolean; loadAt?: number }> {
  let error: MeasureError | null = null
  let interrupt: Interrupt | undefined
  let navigationFailed = false
  let navigationErrorText: string | undefined
  let unresponsive = false
  let loadAt: number | undefined
  opts.onNavigationStart?.()
  const navigated = await Promise.race([navigate(slot.session, url), interrupted])
  if ('kind' in navigated) interrupt = navigated
  else if (navigated.errorText) {
    navigationFailed = true
    navigationErrorText = navigated.errorText
    error = navigationError(navigated.errorText)
  } else {
    // A document that navigates itself on (meta refresh, script) is followed to where it goes,
    // as a redirect is; a loop ends at LOOP_LIMIT documents (the `interrupted` race).
    let loaderId = navigated.loaderId
    for (;;) {
      const loaded = await Promise.race([slot.loaded(loaderId), interrupted])
      if (typeof loaded !== 'number') {
        interrupt = loaded
        break
      }
      loadAt = loaded
      const settled = await Promise.race([settleLoad(slot, loaderId, loaded, opts, endedSignal), interrupted])
      if (settled !== undefined) {
        interrupt = settled
        break
      }
      const newest = slot.latestLoader()
      if (newest === undefined || newest === loaderId) break
      loaderId = newest
    }
  }
  if (interrupt?.kind === 'aborted') throw opts.signal?.reason
  if (interrupt?.kind === 'timeout') error = timeoutError(opts.timeoutMs)
  if (interrupt?.kind === 'crashed') error = browserCrashedError(interrupt.detail)

  if (interrupt?.kind === 'loop') {
    error = navigationLoopError(interrupt.documents.length - 1, interrupt.documents.at(-1) ?? url)
  }

  const unreachable = interrupt
    ? null
    : await unreachableBehindProxy(slot, url, navigationErrorText, proxyServer)

  // After a failed navigation the page shows Chromium's (or the proxy's) error page: its paints are not the site's.
  const pageIsTheSite = !navigationFailed && !unreachable && interrupt?.kind !== 'crashed'
  let raw: RawPageMetrics | null = null
  if (pageIsTheSite) {
    const wait = Math.max(READ_TIMEOUT_MS, Math.min(UNRESPONSIVE_AFTER_MS, deadline - performance.now()))
    const read = await evaluate(slot.session, READ_EXPRESSION, wait)
    if (read.ok) raw = asRawPageMetrics(read.value)
    else {
      // The page no longer answers (or its document is gone): the numbers it pushed as it loaded.
      // Before any document commits, evaluation waits for the navigation: that is not the page's doing.
      unresponsive = read.timedOut && slot.documents().length > 0
      raw = slot.snapshot()
    }
  }
  if (unresponsive && (error === null || error.code === 'timeout')) error = pageUnresponsiveError()
  // Everything from here on is computed from what was gathered (compute.ts), live and offline alike.
  const gathered = gatheredLoad({
    url,
    events: slot.log.events,
    page: raw,
    documents: interrupt?.kind === 'loop' ? interrupt.documents : slot.documents(),
    ended: {
      error,
      ...(navigationErrorText === undefined ? {} : { navigationErrorText }),
      ...(unreachable ? { unreachable } : {}),
    },
  })
  const visualsOk = pageIsTheSite && raw !== null && !unresponsive
  return interrupt ? { gathered, visualsOk } : { gathered, visualsOk, loadAt }
}

/**
 * The first gathered load brought up to date after the late window: the page's entries
 * read again (or, from a page that no longer answers, its last pushed snapshot) and
 * the network log taken again, so late requests count too.
 */
async function withLateEntries(slot: Slot, first: GatheredLoad): Promise<GatheredLoad> {
  const read = await evaluate(slot.session, READ_EXPRESSION, READ_TIMEOUT_MS)
  const raw = (read.ok ? asRawPageMetrics(read.value) : null) ?? slot.snapshot()
  if (!raw) return first
  return gatheredLoad({ ...first, events: slot.log.events, page: raw })
}

/**
 * The measurement as it leaves the browser: computed from the gathered load, with what
 * the page looked like, and the gathered load itself (Speed Index and visually complete
 * included, computed from frames too large to keep) so it can be computed again.
 */
function finished(load: GatheredLoad, visuals: Visuals): Measurement {
  const gathered: GatheredLoad = {
    ...load,
    visual: {
      speedIndex: visuals.speedIndex,
      visuallyComplete: visuals.visuallyComplete,
      frameTimes: visuals.frameTimes ?? [],
    },
  }
  return { ...computeMeasurement(gathered), visuals, gathered }
}

/**
 * Behind the latency emulator the proxy, not Chromium, connects to the target, so an
 * unreachable one looks different: for http the document is the proxy's own 502 with
 * `x-wps-proxy-error: <errno>`; for https Chromium keeps only ERR_TUNNEL_CONNECTION_FAILED
 * and the proxy the browser was launched with is asked (src/latency/ask-proxy.ts).
 * Returns the proxy's errno, or null when the target was reached or no proxy can say.
 */
async function unreachableBehindProxy(
  slot: Slot,
  url: string,
  navigationErrorText: string | undefined,
  proxyServer: string | undefined,
): Promise<string | null> {
  const fromHeader = documentProxyErrno(slot.log.events)
  if (fromHeader) return fromHeader
  if (!navigationErrorText?.includes('ERR_TUNNEL_CONNECTION_FAILED')) return null
  const target = summariseNetwork(slot.log.events).document?.url ?? url
  const proxy = proxyServer ? proxyUrlFromSwitch(proxyServer) : null
  return proxy ? askProxyWhyUnreachable(proxy, target) : null
}

/** Waits (resolving with undefined) until the load of this document has settled; see SETTLE. */
function settleLoad(
  slot: Slot,
  loaderId: string,
  loadAt: number,
  opts: MeasureOptions,
  signal: AbortSignal,
): Promise<undefined> {
  const page: PageState = {
    painted: () => slot.painted(loaderId),
    lcpPending: async () => {
      const answer = await evaluate(slot.session, LCP_PENDING_EXPRESSION, READ_TIMEOUT_MS)
      // No answer within a second: the page is busy; whether it is stuck, the final read tells.
      return answer.ok && answer.value === true
    },
  }
  return settle(slot.log, page, loadAt, { ...SETTLE, ...opts.settle }, signal)
}

async function navigate(session: CDPSession, url: string): Promise<{ loaderId: string; errorText?: string }> {
  try {
    const result = await session.send('Page.navigate', { url })
    return { loaderId: result.loaderId ?? '', errorText: result.errorText }
  } catch (error) {
    // Page.navigate rejects outright for URLs it cannot parse ("Cannot navigate to invalid URL").
    return { loaderId: '', errorText: error instanceof Error ? error.message : String(error) }
  }
}

interface PageState {
  painted(): boolean
  lcpPending(): Promise<boolean>
}

/** Resolves (with undefined) once the load has settled; see SETTLE. */
async function settle(
  log: NetworkLog,
  page: PageState,
  loadAt: number,
  rule: Settle,
  signal: AbortSignal,
): Promise<undefined> {
  const earliest = loadAt + rule.minAfterLoadMs
  const latest = loadAt + rule.maxAfterLoadMs
  const lcpDeadline = loadAt + rule.lcpWaitMs
  for (;;) {
    const now = performance.now()
    const quiet = log.quietFor(now)
    if (now >= latest) return undefined
    // A simple page can fire `load` before its first paint; without FCP the numbers would be incomplete.
    if (now >= earliest && quiet >= rule.quietMs && page.painted()) {
      if (now >= lcpDeadline || !(await page.lcpPending())) return undefined
    }
    const quietAt = quiet > 0 && page.painted() ? now + rule.quietMs - quiet : now + 10
    const wake = Math.min(latest, Math.max(earliest, Math.min(quietAt, now + 15)))
    await sleep(Math.max(1, wake - now), undefined, { signal }).catch(() => {})
    if (signal.aborted) return undefined
  }
}

type Evaluated = { ok: true; value: unknown } | { ok: false; timedOut: boolean }

/** Evaluates in the page; not ok when it fails, or (`timedOut`) when the page's main thread does not yield in time. */
async function evaluate(session: CDPSession, expression: string, timeoutMs: number): Promise<Evaluated> {
  const value = session
    .send('Runtime.evaluate', { expression, returnByValue: true })
    .then((r): Evaluated => ({ ok: true, value: r.result.value }))
    .catch((): Evaluated => ({ ok: false, timedOut: false }))
  const late: Evaluated = { ok: false, timedOut: true }
  return Promise.race([value, sleep(timeoutMs, late, { ref: false })])
}

export function failedMeasurement(error: MeasureError): Measurement {
  return {
    httpStatus: null,
    finalUrl: null,
    metrics: computeMetrics(null),
    requests: 0,
    transferBytes: 0,
    entries: [],
    error,
  }
}
