/**
 * One warm Chromium that measures page loads, each a true first view in its own
 * fresh browser context, closed afterwards. One spare context+page is kept ready
 * (opened at launch and again as each measurement has gathered its last data from the
 * page — Speed Index is computed from its frames once the spare is open — never while a page loads, so
 * it cannot disturb the numbers) so a measurement does not pay the `newPage` cost, also
 * when it arrives right behind another. The spare's renderer goes on starting up for a
 * few hundred ms after it is open, so after each measurement the host also waits for the
 * browser to fall quiet (browser-quiet.ts): the next navigation, and `whenIdle` (which
 * the machine's load budget waits for), come only after that, while the measurement's
 * own result is returned without waiting.
 *
 *   const host = await BrowserHost.launch({ proxyServer: '127.0.0.1:9000' })
 *   const m = await host.measure('https://example.com/', { timeoutMs: 30_000, onNavigationStart: () => say('loading') })
 *   await host.close()
 *
 * A crashed browser does not throw: measurements report `browser_crashed`, and
 * `alive` turns false so the owner can replace the host.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { CDPSession } from 'puppeteer-core'
import { processCpu, type QuietOutcome, untilQuiet } from './browser-quiet.ts'
import { browserCrashedError } from './errors.ts'
import { type LaunchedChromium, type LaunchOptions, launchChromium, measurementContext } from './launch.ts'
import { auditPage, type LighthouseOptions, type LighthouseOutcome } from './lighthouse.ts'
import { failedMeasurement, type MeasureOptions } from './measure.ts'
import { measureViews } from './repeat-view.ts'
import { closeSlot, openSlot, type Slot } from './slot.ts'
import type { Measurement } from './types.ts'

/** How long close() lets the used context and the spare finish before Chromium is closed under them. */
const CLOSE_TIDY_MS = 3000

export interface BrowserHostOptions extends LaunchOptions {
  /** Keep a pre-opened context+page for the next measurement (default true). */
  spare?: boolean
  /**
   * A browser already launched (and not used yet) to host instead of launching one: a
   * runner starts Chromium before it knows its proxy's port (see launch.ts). Its contexts
   * get `proxyServer`, whose host must be the one it was launched for.
   */
  chromium?: LaunchedChromium
}

export class BrowserHost {
  /** ms from `launch()` being called until the host could measure (browser up, spare ready). */
  readonly launchMs: number
  readonly #chromium: LaunchedChromium
  readonly #keepSpare: boolean
  readonly #proxyServer: string | undefined
  /** Aborted (reason: a sentence) when the browser disconnects. */
  readonly #gone = new AbortController()
  #spare: Promise<Slot> | undefined
  /** Closing used contexts, and waiting for the browser to fall quiet after each measurement. */
  #retiring = new Set<Promise<unknown>>()
  /** Ends the wait for quiet when the host closes. */
  readonly #closing = new AbortController()
  /** A browser-level session to read the processes' CPU time from (opened on first use). */
  #cpuSession: Promise<CDPSession> | undefined
  #lastQuiet: QuietOutcome | undefined
  #alive = true
  #closed = false

  private constructor(
    chromium: LaunchedChromium,
    keepSpare: boolean,
    launchMs: number,
    proxyServer: string | undefined,
  ) {
    this.#chromium = chromium
    this.#keepSpare = keepSpare
    this.#proxyServer = proxyServer
    this.launchMs = launchMs
    chromium.browser.once('disconnected', () => {
      this.#alive = false
      this.#gone.abort('the browser process exited or its connection closed')
    })
  }

  static async launch(opts: BrowserHostOptions = {}): Promise<BrowserHost> {
    const started = performance.now()
    const chromium = opts.chromium
      ? { ...opts.chromium, contextOptions: measurementContext(opts.proxyServer) }
      : await launchChromium(opts)
    const keepSpare = opts.spare ?? true
    try {
      const spare = keepSpare ? await openSlot(chromium.browser, chromium.contextOptions) : undefined
      const host = new BrowserHost(
        chromium,
        keepSpare,
        Math.round(performance.now() - started),
        opts.proxyServer,
      )
      if (spare) host.#spare = Promise.resolve(spare)
      return host
    } catch (error) {
      await chromium.close()
      throw error
    }
  }

  get pid(): number | undefined {
    return this.#chromium.pid
  }

  /** The browser's temporary profile, deleted on close. */
  get userDataDir(): string {
    return this.#chromium.userDataDir
  }

  /**
   * How the wait for quiet after the last measurement ended (undefined before the first
   * has ended): whether the browser fell quiet, how long that took, the CPU it used meanwhile.
   */
  get lastQuiet(): QuietOutcome | undefined {
    return this.#lastQuiet
  }

  /** False once the browser has crashed or been closed. */
  get alive(): boolean {
    return this.#alive && !this.#closed
  }

  async measure(url: string, opts: MeasureOptions): Promise<Measurement> {
    if (this.#closed) throw new Error('BrowserHost is closed')
    if (!this.#alive) return failedMeasurement(browserCrashedError('the browser is no longer running'))
    let slot: Slot
    try {
      // Never while the browser still tidies up after the last measurement (see the module comment).
      await Promise.allSettled([...this.#retiring])
      slot = await this.#takeSlot()
    } catch (error) {
      if (!this.#alive) return failedMeasurement(browserCrashedError('the browser is no longer running'))
      throw error
    }
    // Retired as soon as the page is no longer needed (the measurement then only computes),
    // so the next spare starts up during that computing instead of after it.
    let retired: Promise<void> | undefined
    const retire = () => {
      retired ??= this.#retire(slot)
      return retired
    }
    // A repeat view still needs this context after its first view's page is done: it is
    // retired once both views have ended.
    if (!opts.repeatView) slot.pageDone = retire
    try {
      // The first view, and with `repeatView` a second, warm one in the same context (repeat-view.ts).
      return await measureViews(slot, url, opts, this.#gone.signal, this.#proxyServer)
    } finally {
      retire()
    }
  }

  /**
   * A Lighthouse audit (lighthouse.ts) in a fresh browser context of its own, opened and
   * closed around it, through the same proxy as a measurement. Call it between
   * measurements, never during one: it loads the machine as much as a page load does.
   */
  async lighthouse(url: string, opts: LighthouseOptions): Promise<LighthouseOutcome> {
    if (this.#closed) throw new Error('BrowserHost is closed')
    if (!this.#alive) {
      return { ok: false, error: browserCrashedError('the browser is no longer running'), durationMs: 0 }
    }
    await this.whenIdle()
    const context = await this.#chromium.browser.createBrowserContext(this.#chromium.contextOptions)
    try {
      return await auditPage(await context.newPage(), url, opts)
    } finally {
      await context.close().catch(() => {})
    }
  }

  /**
   * Resolves once the browser has finished tidying up after the last measurement (used
   * context closed, spare open) and fallen quiet.
   */
  async whenIdle(): Promise<void> {
    await Promise.allSettled([...this.#retiring, this.#spare])
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#closing.abort()
    // Tidy up what is open, but never wait on it for ever: Chromium's close ends it anyway.
    await Promise.race([
      Promise.allSettled([...this.#retiring, this.#spare?.then(closeSlot)]),
      sleep(CLOSE_TIDY_MS, undefined, { ref: false }),
    ])
    this.#spare = undefined
    await this.#chromium.close()
  }

  async #takeSlot(): Promise<Slot> {
    const spare = this.#spare
    this.#spare = undefined
    if (spare) {
      const slot = await spare.catch(() => undefined)
      if (slot) return slot
    }
    return openSlot(this.#chromium.browser, this.#chromium.contextOptions)
  }

  /**
   * Close the used context and prepare the next spare, side by side: both happen after
   * the measurement has gathered everything from its page (never during a page load or
   * its late window), so neither can disturb the numbers.
   * The spare promise is set at once, so a measurement that starts meanwhile waits for
   * it rather than opening a second context in parallel.
   */
  #retire(slot: Slot): Promise<void> {
    const closed = closeSlot(slot).catch(() => {})
    this.#retiring.add(closed)
    closed.finally(() => this.#retiring.delete(closed))
    if (this.#keepSpare && this.alive && !this.#spare) {
      const spare = openSlot(this.#chromium.browser, this.#chromium.contextOptions)
      spare.catch(() => {})
      this.#spare = spare
    }
    // The next navigation waits until the browser is quiet again, whenIdle too; the caller does not.
    const quiet = Promise.allSettled([closed, this.#spare])
      .then(() => this.#untilQuiet())
      .then((outcome) => {
        this.#lastQuiet = outcome
      })
    this.#retiring.add(quiet)
    quiet.finally(() => this.#retiring.delete(quiet))
    // Resolves (never rejects) once the next spare is open or has failed to.
    return Promise.allSettled([this.#spare]).then(() => {})
  }

  async #untilQuiet(): Promise<QuietOutcome> {
    if (!this.alive) return { quiet: false, waitedMs: 0, busyMs: 0 }
    this.#cpuSession ??= this.#chromium.browser.target().createCDPSession()
    const session = this.#cpuSession
    session.catch(() => {})
    return untilQuiet(async () => processCpu(await session), undefined, this.#closing.signal)
  }
}
