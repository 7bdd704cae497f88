/**
 * A slot is everything one measurement needs, prepared before the URL is known: a
 * fresh isolated browser context (own cache, cookies, sockets, DNS cache), a blank
 * page in it, and our own CDP session with the network log, lifecycle tracking and
 * the in-page collector already installed. Preparing costs 150–400 ms (mostly the
 * renderer for `newPage`), which is why BrowserHost keeps one spare slot ready.
 * A slot is used for exactly one navigation, then closed with its context.
 *
 * Hostile pages are survived here: a JavaScript dialog (alert, confirm, prompt,
 * beforeunload) is dismissed as it opens, so it cannot hold the load back; every
 * document the main frame commits is noted (a meta refresh or script navigation loop
 * shows up as many); the collector's pushed snapshots are kept (page-script.ts), for a
 * page whose main thread stops answering.
 *
 *   const slot = await openSlot(browser, chromium.contextOptions)   // the proxy, if any
 *   const { loaderId } = await slot.session.send('Page.navigate', { url })
 *   await slot.loaded(loaderId)
 *   await closeSlot(slot)
 */
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'puppeteer-core'
import { type DeviceRecording, prepareVisuals } from './frames.ts'
import { NetworkLog } from './network-log.ts'
import { COLLECTOR_SCRIPT, parseSnapshot, type RawPageMetrics, SNAPSHOT_BINDING } from './page-script.ts'

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
  /** URLs of the documents the main frame has committed, in order (the navigation's own first). */
  documents(): readonly string[]
  /** The loader of the newest document the main frame committed. */
  latestLoader(): string | undefined
  /** Resolves once the main frame has committed more than `count` documents, with those documents. */
  documentsBeyond(count: number): Promise<readonly string[]>
  /** The collector's latest pushed snapshot of the current document, or null. */
  snapshot(): RawPageMetrics | null
  /**
   * Set by the slot's owner, called by the measurement once it needs nothing more from the
   * page (the last read and the screenshot are in): what is left is computing on what was
   * gathered, and the owner may already close this context and open the next. The promise
   * says when the next context is open: computing waits for it, since synchronous work on
   * this thread would hold up the CDP round trips that open it.
   */
  pageDone?: () => Promise<void> | undefined
  /** Set by `openSlot`: the device already emulated and recording, taken by the measurement (frames.ts). */
  visuals?: DeviceRecording
}

/**
 * A fresh context with its blank page, made ready to measure on the default device: the
 * page already shown as a desktop with its filmstrip recording (frames.ts, `prepareVisuals`),
 * so none of that lies between a test's arrival and its navigation.
 */
export async function openSlot(browser: Browser, contextOptions: BrowserContextOptions = {}): Promise<Slot> {
  const context = await browser.createBrowserContext(contextOptions)
  try {
    const slot = await openSlotIn(context)
    slot.visuals = await prepareVisuals(slot)
    return slot
  } catch (error) {
    await context.close().catch(() => {})
    throw error
  }
}

/**
 * A slot on a new page of an existing context: what a repeat view measures in, sharing
 * the first view's cache, cookies and sockets. Close it with `closeSlotPage`.
 */
export async function openSlotIn(context: BrowserContext): Promise<Slot> {
  const page = await context.newPage()
  try {
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
    session.on('Page.javascriptDialogOpening', (e) => {
      // Leaving is allowed (beforeunload); every question gets "cancel", as from a person who walks away.
      const accept = e.type === 'alert' || e.type === 'beforeunload'
      session.send('Page.handleJavaScriptDialog', { accept }).catch(() => {})
    })
    let snapshot: RawPageMetrics | null = null
    const documents: string[] = []
    let latestLoader: string | undefined
    const beyond: Array<{ count: number; resolve: (documents: readonly string[]) => void }> = []
    session.on('Page.frameNavigated', (e) => {
      if (e.frame.parentId || e.type === 'BackForwardCacheRestore' || e.frame.url === 'about:blank') return
      documents.push(e.frame.url)
      latestLoader = e.frame.loaderId
      snapshot = null // a new document starts with its own snapshots
      for (const waiter of beyond.filter((w) => documents.length > w.count)) {
        beyond.splice(beyond.indexOf(waiter), 1)
        waiter.resolve([...documents])
      }
    })
    session.on('Runtime.bindingCalled', (e) => {
      if (e.name !== SNAPSHOT_BINDING) return
      snapshot = parseSnapshot(e.payload) ?? snapshot
    })
    await Promise.all([
      // Bindings reach only a session with Runtime enabled (sent in order: enable, then add).
      session.send('Runtime.enable'),
      session.send('Runtime.addBinding', { name: SNAPSHOT_BINDING }),
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
    return {
      context,
      page,
      session,
      log,
      loaded,
      painted,
      crashed,
      documents: () => documents,
      latestLoader: () => latestLoader,
      documentsBeyond: (count) =>
        new Promise<readonly string[]>((resolve) => {
          if (documents.length > count) resolve([...documents])
          else beyond.push({ count, resolve })
        }),
      snapshot: () => snapshot,
    }
  } catch (error) {
    await page.close().catch(() => {})
    throw error
  }
}

export async function closeSlot(slot: Slot): Promise<void> {
  await slot.context.close()
}

/** Closes the slot's page only; its context (and cache) stays. */
export async function closeSlotPage(slot: Slot): Promise<void> {
  await slot.page.close()
}
