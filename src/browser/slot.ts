/**
 * A slot is everything one measurement needs, prepared before the URL is known: a
 * fresh isolated browser context (own cache, cookies, sockets, DNS cache), a blank
 * page in it, and our own CDP session with the network log, lifecycle tracking and
 * the in-page collector already installed. Preparing costs 150–400 ms (mostly the
 * renderer for `newPage`), which is why BrowserHost keeps one spare slot ready.
 * A slot is used for exactly one navigation, then closed with its context.
 *
 *   const slot = await openSlot(browser, chromium.contextOptions)   // the proxy, if any
 *   const { loaderId } = await slot.session.send('Page.navigate', { url })
 *   await slot.loaded(loaderId)
 *   await closeSlot(slot)
 */
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'puppeteer-core'
import { NetworkLog } from './network-log.ts'
import { COLLECTOR_SCRIPT } from './page-script.ts'

export interface Slot {
  context: BrowserContext
  page: Page
  session: CDPSession
  log: NetworkLog
  /** Resolves when the main frame's document of this loader fires `load`; value = when (performance.now()). */
  loaded(loaderId: string): Promise<number>
  /** Whether this loader's document has had its first contentful paint yet. */
  painted(loaderId: string): boolean
  /** Resolves with a reason if the page's renderer crashes. */
  crashed: Promise<string>
}

export async function openSlot(browser: Browser, contextOptions: BrowserContextOptions = {}): Promise<Slot> {
  const context = await browser.createBrowserContext(contextOptions)
  try {
    const page = await context.newPage()
    const session = await page.createCDPSession()
    const log = new NetworkLog(session)
    const loadedAt = new Map<string, number>()
    const waiting = new Map<string, (at: number) => void>()
    const paintedLoaders = new Set<string>()
    session.on('Page.lifecycleEvent', (e) => {
      // Loader ids are per navigation, so the one Page.navigate returns names the main document.
      if (e.name === 'firstContentfulPaint') paintedLoaders.add(e.loaderId)
      if (e.name !== 'load') return
      const at = performance.now()
      loadedAt.set(e.loaderId, at)
      waiting.get(e.loaderId)?.(at)
    })
    const crashed = new Promise<string>((resolve) => page.once('error', (e) => resolve(e.message)))
    await Promise.all([
      session.send('Network.enable'),
      session.send('Page.enable'),
      session.send('Page.setLifecycleEventsEnabled', { enabled: true }),
      session.send('Page.addScriptToEvaluateOnNewDocument', { source: COLLECTOR_SCRIPT }),
    ])
    const loaded = (loaderId: string) =>
      new Promise<number>((resolve) => {
        const at = loadedAt.get(loaderId)
        if (at !== undefined) resolve(at)
        else waiting.set(loaderId, resolve)
      })
    const painted = (loaderId: string) => paintedLoaders.has(loaderId)
    return { context, page, session, log, loaded, painted, crashed }
  } catch (error) {
    await context.close().catch(() => {})
    throw error
  }
}

export async function closeSlot(slot: Slot): Promise<void> {
  await slot.context.close()
}
