/**
 * One warm Chromium that measures page loads, each a true first view in its own
 * fresh browser context, closed afterwards. One spare context+page is kept ready
 * (opened at launch and again as each measurement ends, never while one runs, so
 * it cannot disturb the numbers) so a measurement does not pay the `newPage` cost.
 *
 *   const host = await BrowserHost.launch({ proxyServer: '127.0.0.1:9000' })
 *   const m = await host.measure('https://example.com/', { timeoutMs: 30_000, onNavigationStart: () => say('loading') })
 *   await host.close()
 *
 * A crashed browser does not throw: measurements report `browser_crashed`, and
 * `alive` turns false so the owner can replace the host.
 */
import { browserCrashedError } from './errors.ts'
import { type LaunchedChromium, type LaunchOptions, launchChromium } from './launch.ts'
import { auditPage, type LighthouseOptions, type LighthouseOutcome } from './lighthouse.ts'
import { failedMeasurement, type MeasureOptions } from './measure.ts'
import { measureViews } from './repeat-view.ts'
import { closeSlot, openSlot, type Slot } from './slot.ts'
import type { Measurement } from './types.ts'

export interface BrowserHostOptions extends LaunchOptions {
  /** Keep a pre-opened context+page for the next measurement (default true). */
  spare?: boolean
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
  #retiring = new Set<Promise<void>>()
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
    const chromium = await launchChromium(opts)
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

  /** False once the browser has crashed or been closed. */
  get alive(): boolean {
    return this.#alive && !this.#closed
  }

  async measure(url: string, opts: MeasureOptions): Promise<Measurement> {
    if (this.#closed) throw new Error('BrowserHost is closed')
    if (!this.#alive) return failedMeasurement(browserCrashedError('the browser is no longer running'))
    let slot: Slot
    try {
      slot = await this.#takeSlot()
    } catch (error) {
      if (!this.#alive) return failedMeasurement(browserCrashedError('the browser is no longer running'))
      throw error
    }
    try {
      // The first view, and with `repeatView` a second, warm one in the same context (repeat-view.ts).
      return await measureViews(slot, url, opts, this.#gone.signal, this.#proxyServer)
    } finally {
      this.#retire(slot)
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

  /** Resolves once the browser has finished tidying up after the last measurement (used context closed, spare open). */
  async whenIdle(): Promise<void> {
    await Promise.allSettled([...this.#retiring, this.#spare])
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.allSettled([...this.#retiring, this.#spare?.then(closeSlot)])
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
   * the measurement has ended, never during one, so neither can disturb the numbers.
   * The spare promise is set at once, so a measurement that starts meanwhile waits for
   * it rather than opening a second context in parallel.
   */
  #retire(slot: Slot): void {
    const closed = closeSlot(slot).catch(() => {})
    this.#retiring.add(closed)
    closed.finally(() => this.#retiring.delete(closed))
    if (this.#keepSpare && this.alive && !this.#spare) {
      const spare = openSlot(this.#chromium.browser, this.#chromium.contextOptions)
      spare.catch(() => {})
      this.#spare = spare
    }
  }
}
