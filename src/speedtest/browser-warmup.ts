/**
 * A runner's Chromium, started the moment the runner starts: a runner exists to measure,
 * and a browser takes longer to start (~200 ms) than the rest of the runner takes to
 * reach its parent. So `wps runner` starts Chromium first — before it loads puppeteer,
 * the flame runner loop or the task modules, and while it connects to its parent — then,
 * once it has said ready, loads puppeteer and connects to the browser in the background.
 * The first `timedNav` call finds the browser up instead of launching one.
 *
 *   const warm = warmUpBrowser()              // Chromium starting (nothing awaited)
 *   await startRunner()                       // the parent can call now
 *   warm.connect()                            // puppeteer loaded, browser connected, in the background
 *   // in the task:
 *   const host = await launchBrowserHost(proxyServer)   // the warm browser, else a fresh launch
 *
 * Starting a browser is CPU work, so it honours the machine-wide load budget: the warm
 * start happens only when a slot is free at once, and holds it until the browser is
 * up; when the machine is busy (another load measuring), the browser is launched by the
 * first task, inside that task's slot, as without a warm start. The browser is started
 * for the egress proxy on 127.0.0.1 (the only name it may resolve); each context gets the
 * proxy's port when the first task has started the proxy.
 */
import type { BrowserHost } from '../browser/browser-host.ts'
import {
  type LaunchedChromium,
  launchChromium,
  type SpawnedChromium,
  spawnChromium,
} from '../browser/launch.ts'
import { MachineBudget, machineLoadBudget } from './machine-budget.ts'

/** The egress proxy listens here (egress.ts); the browser may resolve no other name. */
const PROXY_HOST = '127.0.0.1'

export interface WarmBrowser {
  /** The warm Chromium's pid; undefined when none was started (the machine was busy). */
  pid: number | undefined
  /** Load puppeteer and connect to the browser, in the background (after the runner is ready). */
  connect(): void
}

export interface WarmUpOptions {
  env?: NodeJS.ProcessEnv
  /** The machine budget's folder (default: the one every process on this machine shares). */
  budgetDir?: string
}

let warm: { spawned: SpawnedChromium; launched?: Promise<LaunchedChromium | null> } | null = null

/** The load budget's slot count as the node set it for its runners (WPS_MACHINE_BUDGET; 0 = no limit). */
export function runnerBudgetSlots(env: NodeJS.ProcessEnv): number {
  const text = env.WPS_MACHINE_BUDGET
  const value = text === undefined || text === '' ? Number.NaN : Number(text)
  return Number.isInteger(value) && value >= 0 ? value : machineLoadBudget()
}

/** Start Chromium now when the machine has room (see the module comment); never throws. */
export function warmUpBrowser(options: WarmUpOptions = {}): WarmBrowser {
  const slots = runnerBudgetSlots(options.env ?? process.env)
  const cold: WarmBrowser = { pid: undefined, connect: () => {} }
  let release: (() => void) | null = null
  try {
    if (slots > 0) {
      const budget = new MachineBudget({ slots, ...(options.budgetDir ? { dir: options.budgetDir } : {}) })
      release = budget.tryAcquire()
      if (!release) return cold
    }
    warm = { spawned: spawnChromium({ proxyHost: PROXY_HOST }) }
  } catch {
    // no Chromium to start here (CHROME_PATH wrong, …): the task's own launch says why
    release?.()
    return cold
  }
  const started = warm
  return {
    pid: started.spawned.process.pid,
    connect: () => {
      started.launched ??= launchChromium({ spawned: started.spawned, proxyHost: PROXY_HOST })
        .catch(() => null)
        .finally(() => release?.())
      // puppeteer's modules and the measurement code, loaded while no call needs them
      void import('../browser/browser-host.ts')
    },
  }
}

/**
 * A BrowserHost whose contexts go through `proxyServer`: the warm browser when there is one
 * for that proxy's host (once), otherwise a freshly launched one.
 */
export async function launchBrowserHost(proxyServer: string): Promise<BrowserHost> {
  const { BrowserHost } = await import('../browser/browser-host.ts')
  const { proxyHost } = await import('../browser/launch.ts')
  const candidate = warm
  if (candidate && candidate.spawned.proxyHost === proxyHost(proxyServer)) {
    warm = null
    candidate.launched ??= launchChromium({ spawned: candidate.spawned, proxyHost: PROXY_HOST }).catch(
      () => null,
    )
    const chromium = await candidate.launched
    if (chromium?.browser.connected) return BrowserHost.launch({ proxyServer, chromium })
    await chromium?.close()
  }
  return BrowserHost.launch({ proxyServer })
}
