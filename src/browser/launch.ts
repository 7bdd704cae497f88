/**
 * Launch one warm headless Chromium, driven by puppeteer-core over a DevTools pipe,
 * with a fresh profile that is deleted again when the browser closes.
 *
 *   const chromium = await launchChromium({ proxyServer: '127.0.0.1:9000' })
 *   chromium.browser.createBrowserContext()
 *   await chromium.close()   // browser gone, process group reaped, profile deleted
 *
 * We start the Chromium process ourselves, with the command line `puppeteer.launch`
 * would use (puppeteer-args.ts), and connect puppeteer to its pipe (pipe-transport.ts).
 * That lets a runner start the browser in its first milliseconds — `spawnChromium` needs
 * no puppeteer — and load puppeteer (about 250 ms of module loading) while the browser
 * starts up: `launchChromium({ spawned })` connects to it later.
 *
 *   const spawned = spawnChromium({ proxyHost: '127.0.0.1' })   // returns at once
 *   const chromium = await launchChromium({ spawned })
 *
 * Lifetime guarantees (see shutdown.ts): Chromium exits by itself when the pipe to
 * its parent closes — which is what happens when our process is SIGKILLed; on a
 * normal `exit` its process group is killed; on SIGTERM/SIGINT/SIGHUP every
 * live browser is closed before the process goes. A SIGKILLed parent cannot delete
 * the profile, so each launch also sweeps profiles left by processes that are gone.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Duplex } from 'node:stream'
import type { Browser, BrowserContextOptions } from 'puppeteer-core'
import { findChrome } from './chrome-path.ts'
import { PipeTransport } from './pipe-transport.ts'
import { puppeteerCommandLine } from './puppeteer-args.ts'
import { closeOnSignal } from './shutdown.ts'

export interface LaunchOptions {
  /** Chromium binary; default: `CHROME_PATH` or the usual install locations. */
  executablePath?: string
  /** `host:port` (or `scheme://host:port`) of a proxy ALL traffic goes through, loopback included. */
  proxyServer?: string
  /**
   * The proxy's host alone, for a browser started before the proxy's port is known: names
   * resolve to nothing but it. Each context then gets the proxy (`measurementContext`).
   */
  proxyHost?: string
  /** A Chromium already started by `spawnChromium`, to connect to instead of starting one. */
  spawned?: SpawnedChromium
}

/** A Chromium process we started, not yet connected to. */
export interface SpawnedChromium {
  process: ChildProcess
  userDataDir: string
  /** The proxy host its name resolution was limited to, if any. */
  proxyHost: string | undefined
  /** Kill its process group and delete its profile (when it is never connected to). */
  abandon(): Promise<void>
}

export interface LaunchedChromium {
  browser: Browser
  pid: number | undefined
  userDataDir: string
  /** Options for each measurement's browser context (the proxy, when there is one). */
  contextOptions: BrowserContextOptions
  close(): Promise<void>
}

const PROFILE_PREFIX = 'wps-chromium-'
const GRACEFUL_CLOSE_MS = 3000
/** Desktop-sized window, as Lighthouse's desktop preset; set by flag so pages skip emulation. */
const WINDOW = '1350,940'

/**
 * Written into the fresh profile before launch. Network prediction off (2 = never):
 * otherwise Chromium preconnects the document's origin as the navigation starts, and
 * the document's connection is reported as reused (no `connect` time) even on a cold view.
 */
export const PROFILE_PREFERENCES = { net: { network_prediction_options: 2 } } as const

/** A fresh profile folder whose `Default/Preferences` holds PROFILE_PREFERENCES. */
function freshProfile(): string {
  const userDataDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`))
  mkdirSync(join(userDataDir, 'Default'))
  writeFileSync(join(userDataDir, 'Default', 'Preferences'), JSON.stringify(PROFILE_PREFERENCES))
  return userDataDir
}

/**
 * Chromium features that fetch from Google on their own (update checks, hints, field
 * trials, autofill and privacy-sandbox downloads, media-router discovery, time queries).
 * Lighthouse's chrome-launcher and puppeteer turn off most of these; the rest were seen
 * in a NetLog of a measurement on a machine whose only network is loopback.
 */
const QUIET_FEATURES = [
  'Translate',
  'OptimizationHints',
  'OptimizationHintsFetching',
  'MediaRouter',
  'DialMediaRouteProvider',
  'InterestFeedContentSuggestions',
  'CertificateTransparencyComponentUpdater',
  'AutofillServerCommunication',
  'PrivacySandboxSettings4',
  'NetworkTimeServiceQuerying',
  'DnsOverHttps',
  'UseDnsHttpsSvcb',
  'SafeBrowsingEnhancedProtection',
]

/**
 * Browser UI a headless measurement never shows, but which costs a page load's worth of
 * CPU: every window (each measurement's context opens one) preloads the omnibox popup,
 * a WebUI page of its own with its own renderer process — about 0.5 CPU-s and 300–700 ms
 * of script parsing and module evaluation after `newPage()` has answered, so the spare
 * context opened after one load was still busy when the next load began — and about
 * 45–60 MB PSS for as long as the context lives (found with /proc/PID/smaps_rollup over
 * the browser's processes and `Target.getTargets`). Both flags are needed: either alone
 * still preloads a popup.
 */
const HEADLESS_UNUSED_UI = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup']

/**
 * `SpareRendererForSitePerProcess`: Chromium keeps a spare renderer process per browser
 * context for the next cross-site navigation. Our navigation reuses the blank page's own
 * renderer (its site is not yet assigned), and the context is closed after one page, so
 * the spare is never used: one renderer started per test for nothing, about 13 MB PSS.
 */
const UNUSED_PROCESSES = ['SpareRendererForSitePerProcess']

/**
 * Every flag we start Chromium with, and why.
 *
 * The first group is what this machine needs (root, no GPU, no sandbox helper). The
 * second keeps the browser from causing network traffic of its own — only the measured
 * page may: no background networking, component or extension updates, sync, pings,
 * crash or metrics uploads, domain-reliability reports, phishing checks, field trials,
 * secure-DNS upgrades, and WebRTC may not send UDP past the proxy. HEADLESS_UNUSED_UI and
 * UNUSED_PROCESSES drop processes a headless measurement never uses.
 *
 * With a proxy, Chromium resolves no name at all: the proxy — which enforces the egress
 * policy — does every DNS lookup, once. `--host-resolver-rules` maps every name to
 * "not found" (the proxy's own address excepted), so anything the flags above miss fails
 * inside the browser instead of reaching the resolver. The proxy is given to each
 * measurement's browser context (`measurementContext`), not to the whole browser: the
 * browser's own background requests then go nowhere instead of through our proxy.
 */
export function chromiumArgs(opts: Pick<LaunchOptions, 'proxyServer' | 'proxyHost'> = {}): string[] {
  const args = [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--no-first-run',
    '--no-startup-window',
    `--window-size=${WINDOW}`,
    // No traffic of the browser's own.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-component-extensions-with-background-pages',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-sync',
    '--disable-quic',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-breakpad',
    '--metrics-recording-only',
    '--no-pings',
    '--no-default-browser-check',
    '--disable-field-trial-config',
    '--webrtc-ip-handling-policy=disable_non_proxied_udp',
    `--disable-features=${[...QUIET_FEATURES, ...HEADLESS_UNUSED_UI, ...UNUSED_PROCESSES].join(',')}`,
  ]
  const host = opts.proxyHost ?? (opts.proxyServer ? proxyHost(opts.proxyServer) : undefined)
  if (host) args.push(`--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`)
  return args
}

/**
 * How a measurement's browser context is opened: through the proxy when there is one.
 * `<-loopback>` removes Chromium's implicit loopback bypass, so the latency emulator
 * also delays (and the egress guard also judges) pages on 127.0.0.1.
 */
export function measurementContext(proxyServer: string | undefined): BrowserContextOptions {
  // A URL that is a download must not write files on the node: the browser refuses it (errors.ts names it).
  const downloadBehavior = { policy: 'deny' as const }
  return proxyServer
    ? { proxyServer, proxyBypassList: ['<-loopback>'], downloadBehavior }
    : { downloadBehavior }
}

/** `http://127.0.0.1:9000`, `127.0.0.1:9000` or `[::1]:9000` → the host part. */
export function proxyHost(proxyServer: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxyServer) ? proxyServer : `http://${proxyServer}`
  return new URL(withScheme).hostname
}

/**
 * Start Chromium now, with a fresh profile, and return at once (nothing is awaited): the
 * browser starts up while the caller does other things. `launchChromium({ spawned })`
 * connects to it.
 */
export function spawnChromium(opts: Omit<LaunchOptions, 'spawned'> = {}): SpawnedChromium {
  const executablePath = opts.executablePath ?? findChrome()
  sweepOrphanedProfiles()
  const userDataDir = freshProfile()
  const removeProfileOnExit = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 })
  process.once('exit', removeProfileOnExit)
  // Detached, as puppeteer starts it: its own process group, which close() ends as a whole.
  const child = spawn(executablePath, puppeteerCommandLine(userDataDir, chromiumArgs(opts)), {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  })
  child.on('error', () => {
    // reported by launchChromium, which waits for the connection or the failure
  })
  // puppeteer SIGKILLs a browser it launched when our process exits; this one is ours to end.
  const killOnExit = () => {
    if (child.pid !== undefined) killGroup(child.pid)
  }
  process.once('exit', killOnExit)
  const host = opts.proxyHost ?? (opts.proxyServer ? proxyHost(opts.proxyServer) : undefined)
  const forget = () => {
    process.off('exit', removeProfileOnExit)
    process.off('exit', killOnExit)
  }
  spawned.set(child, forget)
  return {
    process: child,
    userDataDir,
    proxyHost: host,
    abandon: async () => {
      killOnExit()
      forget()
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 })
    },
  }
}

/** The exit hooks of each spawned browser, dropped once it is closed. */
const spawned = new WeakMap<ChildProcess, () => void>()

export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedChromium> {
  const start = opts.spawned ?? spawnChromium(opts)
  const child = start.process
  let browser: Browser
  try {
    const { default: puppeteer } = await import('puppeteer-core')
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`Chromium could not be started: ${error.message}`)))
      child.once('exit', (code, signal) =>
        reject(new Error(`Chromium exited as it started (${signal ?? `code ${code}`})`)),
      )
    })
    failed.catch(() => {})
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error('Chromium is not running')
    }
    const [, , , toBrowser, fromBrowser] = child.stdio
    if (!(toBrowser instanceof Duplex) || !(fromBrowser instanceof Duplex))
      throw new Error('Chromium has no pipe')
    const transport = new PipeTransport(toBrowser, fromBrowser)
    browser = await Promise.race([
      puppeteer.connect({
        transport,
        defaultViewport: null,
        // We measure with our own CDP sessions; puppeteer's network and issue tracking is pure overhead.
        networkEnabled: false,
        issuesEnabled: false,
      }),
      failed,
    ])
  } catch (error) {
    await start.abandon()
    throw error
  }
  const pid = child.pid
  const userDataDir = start.userDataDir

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      untrack()
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve()
        else child.once('exit', () => resolve())
      })
      // Closed when the browser process has exited, not merely when it has answered Browser.close.
      const graceful = browser.close().then(
        () => exited.then(() => true),
        () => false,
      )
      const timer = new Promise<false>((r) => setTimeout(() => r(false), GRACEFUL_CLOSE_MS).unref())
      await Promise.race([graceful, timer])
      // Renderers and zygotes can outlive the browser process for a moment: end the whole group.
      if (pid !== undefined) killGroup(pid)
      spawned.get(child)?.()
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 })
    })()
    return closing
  }
  const untrack = closeOnSignal({ close })
  const proxy = opts.proxyServer
  return { browser, pid, userDataDir, contextOptions: measurementContext(proxy), close }
}

/** Chromium is started detached, so its pid is also its process group id. */
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
