/**
 * The unit of browser work: one timed navigation, run as a FLAME task on a runner. The
 * runner keeps one warm Chromium as a runner resource (launched by the first call,
 * closed when the runner idles away); every call measures in a fresh browser context.
 *
 *   const measurement = await pool.call(timedNav, { url, timeoutMs: 30_000 }, {
 *     onMessage: (m) => m.type === 'loading' && showLoading(),
 *   })
 *
 * It sends `{ type: 'browser', cold, launchMs }` once it has a browser (cold when this
 * call had to launch it) and `{ type: 'loading' }` when the navigation starts.
 */
import { BrowserHost } from '../browser/index.ts'
import type { Measurement } from '../browser/types.ts'
import { defineTask } from '../flame/index.ts'

export interface TimedNavInput {
  url: string
  timeoutMs: number
  /** Route the browser through this proxy (the latency emulator), e.g. http://127.0.0.1:8899. */
  proxyServer?: string
}

export type TimedNavMessage = { type: 'browser'; cold: boolean; launchMs: number } | { type: 'loading' }

export const timedNav = defineTask('timedNav', async (input: TimedNavInput, ctx): Promise<Measurement> => {
  const browser = await ctx.resource(
    `browser:${input.proxyServer ?? 'direct'}`,
    () => BrowserHost.launch(input.proxyServer ? { proxyServer: input.proxyServer } : {}),
    (host: BrowserHost) => host.close(),
  )
  ctx.send({
    type: 'browser',
    cold: browser.created,
    launchMs: Math.round(browser.ms),
  } satisfies TimedNavMessage)
  return browser.value.measure(input.url, {
    timeoutMs: input.timeoutMs,
    signal: ctx.signal,
    onNavigationStart: () => ctx.send({ type: 'loading' } satisfies TimedNavMessage),
  })
})
