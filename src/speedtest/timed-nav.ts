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
 * While it waits for the machine's load budget it sends `{ type: 'queued', position }`
 * (1: next in) each time its place changes, and `{ type: 'queued', position: 0 }` once it
 * is in. It sends `{ type: 'browser', cold, launchMs }` once it has a browser (cold when this
 * call had to launch it), `{ type: 'loading' }` when the navigation starts and, with a
 * late window (`lateWindowMs` > 0), `{ type: 'first', measurement }` with the numbers at
 * `load` + settle; the measurement it returns then includes what came after `load`. With
 * `repeatView` the browser then loads the URL again in the same context (warm cache) before
 * the call returns, so the repeat view holds the same machine-budget slot as the first.
 */

import { defineTask } from '@world-page-speed/flame'
import type { BrowserHost } from '../browser/browser-host.ts'
import type { DeviceName } from '../browser/devices.ts'
import type { Measurement } from '../browser/types.ts'
import { type EgressPolicy, parseEgressPolicy } from './egress.ts'
import { runnerBrowser, runnerEgressProxy, takeMachineSlot } from './runner-resources.ts'

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
  /** Also a warm-cache second load in the same context, inside the same machine-budget slot. */
  repeatView?: boolean
}

export type TimedNavMessage =
  | { type: 'queued'; position: number }
  | { type: 'browser'; cold: boolean; launchMs: number }
  | { type: 'loading' }
  | { type: 'first'; measurement: Measurement }

/**
 * A runner's message as the parent may trust it (it crossed a process or the network):
 * null for anything that is not one of the shapes above. A first measurement is checked
 * for its kind only; its numbers are read field by field where the row is built.
 */
export function parseTimedNavMessage(message: unknown): TimedNavMessage | null {
  if (typeof message !== 'object' || message === null) return null
  const m = message as Record<string, unknown>
  switch (m.type) {
    case 'queued':
      return Number.isInteger(m.position) ? { type: 'queued', position: m.position as number } : null
    case 'browser':
      return typeof m.cold === 'boolean' && typeof m.launchMs === 'number' && Number.isFinite(m.launchMs)
        ? { type: 'browser', cold: m.cold, launchMs: m.launchMs }
        : null
    case 'loading':
      return { type: 'loading' }
    case 'first':
      return typeof m.measurement === 'object' && m.measurement !== null && 'metrics' in m.measurement
        ? { type: 'first', measurement: m.measurement as Measurement }
        : null
    default:
      return null
  }
}

export const timedNav = defineTask('timedNav', async (input: TimedNavInput, ctx): Promise<Measurement> => {
  // The machine, not just this runner, must be free: loads that overlap on one machine
  // slow each other down and the numbers would lie. The budget covers launching the
  // browser and its tidying up after the page (closing the context, opening a spare, and
  // waiting for Chromium to fall quiet as the spare's renderer finishes starting up:
  // BrowserHost.whenIdle), since all of it loads the machine too; the result is returned
  // before that tidying ends.
  const policy = parseEgressPolicy(input.egress)
  if (!policy) throw new Error('timedNav: the input has no valid egress policy')
  const release = await takeMachineSlot(input.machineSlots, ctx, (position) =>
    ctx.send({ type: 'queued', position } satisfies TimedNavMessage),
  )
  let host: BrowserHost | undefined
  try {
    const proxyServer = await runnerEgressProxy(ctx, policy)
    const browser = await runnerBrowser(ctx, proxyServer)
    host = browser.host
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
      repeatView: input.repeatView === true,
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
