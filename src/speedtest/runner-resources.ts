/**
 * What a runner's tasks share for the life of the runner: the machine's load budget, the
 * egress proxy for a policy and the warm browser behind it. Every task that loads pages
 * (timedNav, lighthouseAudit) takes them from here, under the same resource keys, so a
 * runner keeps one proxy and one Chromium for all of them, and they are closed when the
 * runner stops.
 *
 *   const release = await takeMachineSlot(input.machineSlots, ctx, (position) => tell(position))   // null: no limit
 *   const proxyServer = await runnerEgressProxy(ctx, policy)
 *   const { host, created, ms } = await runnerBrowser(ctx, proxyServer)
 */

import type { TaskContext } from '@world-page-speed/flame'
import type { BrowserHost } from '../browser/browser-host.ts'
import { launchBrowserHost } from './browser-warmup.ts'
import { type EgressPolicy, egressKey, startEgressProxy } from './egress.ts'
import { MachineBudget } from './machine-budget.ts'

const budgets = new Map<number, MachineBudget>()

/** One budget object per slot count for the life of the runner (it creates its folder once). */
export function machineBudget(slots: number): MachineBudget {
  const known = budgets.get(slots)
  if (known) return known
  const budget = new MachineBudget({ slots })
  budgets.set(slots, budget)
  return budget
}

/**
 * A slot of the machine's load budget for one task, or null when there is no limit (0
 * slots). While it waits, `onQueued` hears its place in line each time that changes
 * (1: next in), then 0 once it is in; a task that never waited hears nothing.
 */
export async function takeMachineSlot(
  slots: number,
  ctx: TaskContext,
  onQueued?: (position: number) => void,
): Promise<(() => void) | null> {
  if (!(slots > 0)) return null
  if (!onQueued) return machineBudget(slots).acquire(ctx.signal)
  let waited = false
  const release = await machineBudget(slots).acquire(ctx.signal, (position) => {
    waited = true
    onQueued(position)
  })
  if (waited) onQueued(0)
  return release
}

/** The runner's egress proxy for `policy`, started on first use; its URL for the browser's contexts. */
export async function runnerEgressProxy(ctx: TaskContext, policy: EgressPolicy): Promise<string> {
  const proxy = await ctx.resource(
    egressKey(policy),
    () => startEgressProxy(policy),
    (p) => p.close(),
  )
  return proxy.value.url
}

export interface RunnerBrowser {
  host: BrowserHost
  /** True when this call had to launch (or adopt the warm) browser. */
  created: boolean
  /** How long getting it took (ms). */
  ms: number
}

/** The runner's browser for the proxy at `proxyServer`: the warm one when it has one (browser-warmup.ts). */
export async function runnerBrowser(ctx: TaskContext, proxyServer: string): Promise<RunnerBrowser> {
  const browser = await ctx.resource(
    `browser:${proxyServer}`,
    // loaded on first use, not at import, so the runner's path to ready stays short
    () => launchBrowserHost(proxyServer),
    (launched: BrowserHost) => launched.close(),
  )
  return { host: browser.value, created: browser.created, ms: browser.ms }
}
