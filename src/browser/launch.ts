/**
 * Launch one warm headless Chromium, driven by puppeteer-core over a DevTools pipe,
 * with a fresh profile that is deleted again when the browser closes.
 *
 *   const chromium = await launchChromium({ proxyServer: '127.0.0.1:9000' })
 *   chromium.browser.createBrowserContext()
 *   await chromium.close()   // browser gone, process group reaped, profile deleted
 *
 * Lifetime guarantees (see shutdown.ts): Chromium exits by itself when the pipe to
 * its parent closes — which is what happens when our process is SIGKILLed; on a
 * normal `exit` puppeteer kills its process group; on SIGTERM/SIGINT/SIGHUP every
 * live browser is closed before the process goes. A SIGKILLed parent cannot delete
 * the profile, so each launch also sweeps profiles left by processes that are gone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'
import { findChrome } from './chrome-path.ts'
import { closeOnSignal } from './shutdown.ts'

export interface LaunchOptions {
  /** Chromium binary; default: `CHROME_PATH` or the usual install locations. */
  executablePath?: string
  /** `host:port` (or `scheme://host:port`) of a proxy ALL traffic goes through, loopback included. */
  proxyServer?: string
}

export interface LaunchedChromium {
  browser: Browser
  pid: number | undefined
  userDataDir: string
  close(): Promise<void>
}

const PROFILE_PREFIX = 'wps-chromium-'
const GRACEFUL_CLOSE_MS = 3000
/** Desktop-sized window, as Lighthouse's desktop preset; set by flag so pages skip emulation. */
const WINDOW = '1350,940'

/** The flags headless Chromium needs here (docs/architecture.md says why), plus the proxy when one is given. */
export function chromiumArgs(opts: Pick<LaunchOptions, 'proxyServer'> = {}): string[] {
  const args = [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-quic',
    '--no-startup-window',
    // Background fetches the flags above leave on (seen through a proxy). Not silenced by any
    // flag we found: update.googleapis.com (component updater) and accounts.google.com (ListAccounts).
    '--disable-features=NetworkTimeServiceQuerying',
    `--window-size=${WINDOW}`,
  ]
  if (opts.proxyServer) {
    // Chromium bypasses proxies for loopback by default; `<-loopback>` removes that rule
    // so a latency-adding proxy also delays the local fixture sites.
    args.push(`--proxy-server=${opts.proxyServer}`, '--proxy-bypass-list=<-loopback>')
  }
  return args
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedChromium> {
  const executablePath = opts.executablePath ?? findChrome()
  sweepOrphanedProfiles()
  const userDataDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`))
  const removeProfileOnExit = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 })
  process.once('exit', removeProfileOnExit)

  let browser: Browser
  try {
    browser = await puppeteer.launch({
      executablePath,
      pipe: true,
      headless: true,
      userDataDir,
      args: chromiumArgs(opts),
      defaultViewport: null,
      // --no-startup-window: there is no initial page to wait for (saves ~200 ms of launch).
      waitForInitialPage: false,
      // We measure with our own CDP sessions; puppeteer's network and issue tracking is pure overhead.
      networkEnabled: false,
      issuesEnabled: false,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
  } catch (error) {
    process.off('exit', removeProfileOnExit)
    await rm(userDataDir, { recursive: true, force: true })
    throw error
  }
  const pid = browser.process()?.pid

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      untrack()
      const graceful = browser.close().then(
        () => true,
        () => false,
      )
      const timer = new Promise<false>((r) => setTimeout(() => r(false), GRACEFUL_CLOSE_MS).unref())
      await Promise.race([graceful, timer])
      // Renderers and zygotes can outlive the browser process for a moment: end the whole group.
      if (pid !== undefined) killGroup(pid)
      process.off('exit', removeProfileOnExit)
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 })
    })()
    return closing
  }
  const untrack = closeOnSignal({ close })
  return { browser, pid, userDataDir, close }
}

/** puppeteer starts Chromium detached, so its pid is also its process group id. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // ESRCH: already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function sweepOrphanedProfiles(): void {
  let names: string[]
  try {
    names = readdirSync(tmpdir())
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(PROFILE_PREFIX)) continue
    const owner = Number(name.slice(PROFILE_PREFIX.length).split('-')[0])
    if (!Number.isInteger(owner) || owner === process.pid || isAlive(owner)) continue
    rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => {})
  }
}
