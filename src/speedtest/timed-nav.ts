/**
 * The unit of browser work: one timed navigation, run as a FLAME task on a runner. The
 * runner keeps one warm Chromium as a runner resource (launched by the first call,
 * closed when the runner idles away); every call measures in a fresh browser context.
 *
 *   const measurement = await pool.call(timedNav, { url, timeoutMs: 30_000, machineSlots: 1 }, {
 *     onMessage: (m) => m.type === 'loading' && showLoading(),
 *   })
 *
 * It sends `{ type: 'browser', cold, launchMs }` once it has a browser (cold when this
 * call had to launch it) and `{ type: 'loading' }` when the navigation starts.
 */
import { BrowserHost } from '../browser/index.ts'
import type { Measurement } from '../browser/types.ts'
import { defineTask } from '../flame/index.ts'
import { MachineBudget } from './machine-budget.ts'

export interface TimedNavInput {
  url: string
  timeoutMs: number
  /** Route the browser through this proxy (the latency emulator), e.g. http://127.0.0.1:8899. */
  proxyServer?: string
  /** Page loads at once on this machine, shared with every other process on it (0 = no limit). */
  machineSlots: number
}

export type TimedNavMessage = { type: 'browser'; cold: boolean; launchMs: number } | { type: 'loading' }

const budgets = new Map<number, MachineBudget>()
/** One budget object per slot count for the life of the runner (it creates its folder once). */
function machineBudget(slots: number): MachineBudget {
  const known = budgets.get(slots)
  if (known) return known
  const budget = new MachineBudget({ slots })
  budgets.set(slots, budget)
  return budget
}

export const timedNav = defineTask('timedNav', async (input: TimedNavInput, ctx): Promise<Measurement> => {
  // The machine, not just this runner, must be free: loads that overlap on one machine
  // slow each other down and the numbers would lie. The budget covers launching the
  // browser and its tidying up after the page (closing the context, opening a spare),
  // since both load the machine too; the result is returned before that tidying ends.
  const release = input.machineSlots > 0 ? await machineBudget(input.machineSlots).acquire(ctx.signal) : null
  let host: BrowserHost | undefined
  try {
    const browser = await ctx.resource(
      `browser:${input.proxyServer ?? 'direct'}`,
      () => BrowserHost.launch(input.proxyServer ? { proxyServer: input.proxyServer } : {}),
      (launched: BrowserHost) => launched.close(),
    )
    host = browser.value
    ctx.send({
      type: 'browser',
      cold: browser.created,
      launchMs: Math.round(browser.ms),
    } satisfies TimedNavMessage)
    return await host.measure(input.url, {
      timeoutMs: input.timeoutMs,
      signal: ctx.signal,
      onNavigationStart: () => ctx.send({ type: 'loading' } satisfies TimedNavMessage),
    })
  } finally {
    if (release) void (host?.whenIdle() ?? Promise.resolve()).finally(release)
  }
})
