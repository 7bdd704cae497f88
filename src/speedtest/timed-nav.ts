/**
 * The unit of browser work: one timed navigation, run as a FLAME task on a runner. The
 * runner keeps one warm Chromium as a runner resource (launched by the first call,
 * closed when the runner idles away); every call measures in a fresh browser context.
 * Everything about the browser's side happens where the browser runs: the egress guard
 * and latency emulator (egress.ts) are a runner resource built from the policy in the
 * input, and the machine-wide load budget is taken on the runner's machine.
 *
 *   const input = { url, timeoutMs: 30_000, machineSlots: 1, egress: { allowPrivate: false, latencyMs: 0 } }
 *   const measurement = await pool.call(timedNav, input, {
 *     onMessage: (m) => m.type === 'loading' && showLoading(),
 *   })
 *
 * It sends `{ type: 'browser', cold, launchMs }` once it has a browser (cold when this
 * call had to launch it), `{ type: 'loading' }` when the navigation starts and, with a
 * late window (`lateWindowMs` > 0), `{ type: 'first', measurement }` with the numbers at
 * `load` + settle; the measurement it returns then includes what came after `load`.
 */

import { defineTask, type TaskContext } from '@world-page-speed/flame'
import type { BrowserHost } from '../browser/browser-host.ts'
import type { DeviceName } from '../browser/devices.ts'
import type { Measurement } from '../browser/types.ts'
import { launchBrowserHost } from './browser-warmup.ts'
import { type EgressPolicy, egressKey, parseEgressPolicy, startEgressProxy } from './egress.ts'
import { MachineBudget } from './machine-budget.ts'

export interface TimedNavInput {
  url: string
  timeoutMs: number
  /** What the runner's egress proxy lets through and how much latency it adds. */
  egress: EgressPolicy
  /** Page loads at once on the runner's machine, shared with every other process on it (0 = no limit). */
  machineSlots: number
  /** How long after `load` the page is still watched (WPS_LATE_WINDOW_MS); 0 or absent: not at all. */
  lateWindowMs?: number
  /** The device to emulate (default desktop). */
  device?: DeviceName
}

export type TimedNavMessage =
  | { type: 'browser'; cold: boolean; launchMs: number }
  | { type: 'loading' }
  | { type: 'first'; measurement: Measurement }

const budgets = new Map<number, MachineBudget>()
/** One budget object per slot count for the life of the runner (it creates its folder once). */
function machineBudget(slots: number): MachineBudget {
  const known = budgets.get(slots)
  if (known) return known
  const budget = new MachineBudget({ slots })
  budgets.set(slots, budget)
  return budget
}

/** The runner's egress proxy for `policy`, started on first use and closed when the runner stops. */
async function egressProxy(ctx: TaskContext, policy: EgressPolicy): Promise<string> {
  const proxy = await ctx.resource(
    egressKey(policy),
    () => startEgressProxy(policy),
    (p) => p.close(),
  )
  return proxy.value.url
}

export const timedNav = defineTask('timedNav', async (input: TimedNavInput, ctx): Promise<Measurement> => {
  // The machine, not just this runner, must be free: loads that overlap on one machine
  // slow each other down and the numbers would lie. The budget covers launching the
  // browser and its tidying up after the page (closing the context, opening a spare),
  // since both load the machine too; the result is returned before that tidying ends.
  const policy = parseEgressPolicy(input.egress)
  if (!policy) throw new Error('timedNav: the input has no valid egress policy')
  const release = input.machineSlots > 0 ? await machineBudget(input.machineSlots).acquire(ctx.signal) : null
  let host: BrowserHost | undefined
  try {
    const proxyServer = await egressProxy(ctx, policy)
    const browser = await ctx.resource(
      `browser:${proxyServer}`,
      // the runner's warm browser when it has one (browser-warmup.ts); loaded on first use, not at import
      () => launchBrowserHost(proxyServer),
      (launched: BrowserHost) => launched.close(),
    )
    host = browser.value
    ctx.send({
      type: 'browser',
      cold: browser.created,
      launchMs: Math.round(browser.ms),
    } satisfies TimedNavMessage)
    const lateWindowMs = input.lateWindowMs ?? 0
    return await host.measure(input.url, {
      timeoutMs: input.timeoutMs,
      signal: ctx.signal,
      visuals: { device: input.device === 'mobile' ? 'mobile' : 'desktop' },
      onNavigationStart: () => ctx.send({ type: 'loading' } satisfies TimedNavMessage),
      ...(lateWindowMs > 0
        ? {
            late: { windowMs: lateWindowMs },
            onFirstNumbers: (measurement: Measurement) =>
              ctx.send({ type: 'first', measurement } satisfies TimedNavMessage),
          }
        : {}),
    })
  } finally {
    if (release) void (host?.whenIdle() ?? Promise.resolve()).finally(release)
  }
})
