/**
 * Lighthouse as a FLAME task: the performance audit of a test with `lighthouse: true`,
 * run on a runner after that region's timed measurement has ended, never beside it. It
 * uses the runner's warm Chromium and egress proxy — the same runner resources as
 * timedNav (runner-resources.ts), so a runner keeps one browser for both — and it
 * takes the machine-wide load budget (machine-budget.ts) for its whole run: an audit
 * loads the machine as much as a page load does, for 8–14 s.
 *
 *   const outcome = await pool.call(lighthouseAudit, {
 *     url, device: 'desktop', timeoutMs: 60_000, machineSlots: 1, egress: { allowPrivate: false, latencyMs: 0 },
 *   })
 *   outcome.ok ? outcome.summary.performance : outcome.error.message
 *
 * A failed audit is an answer, not a throw (`{ ok: false, error }` in plain words), so it
 * can never cost the row the numbers it already has.
 */
import { defineTask } from '@world-page-speed/flame'
import type { DeviceName } from '../browser/devices.ts'
import type { LighthouseOutcome } from '../browser/lighthouse.ts'
import { type EgressPolicy, parseEgressPolicy } from './egress.ts'
import { runnerBrowser, runnerEgressProxy, takeMachineSlot } from './runner-resources.ts'

export interface LighthouseAuditInput {
  url: string
  device: DeviceName
  /** The whole audit's limit (WPS_LIGHTHOUSE_TIMEOUT_MS). */
  timeoutMs: number
  egress: EgressPolicy
  /** Page loads at once on the runner's machine (0 = no limit), as for timedNav. */
  machineSlots: number
}

export const lighthouseAudit = defineTask(
  'lighthouseAudit',
  async (input: LighthouseAuditInput, ctx): Promise<LighthouseOutcome> => {
    const policy = parseEgressPolicy(input.egress)
    if (!policy) throw new Error('lighthouseAudit: the input has no valid egress policy')
    const release = await takeMachineSlot(input.machineSlots, ctx)
    try {
      const { host } = await runnerBrowser(ctx, await runnerEgressProxy(ctx, policy))
      return await host.lighthouse(input.url, {
        device: input.device === 'mobile' ? 'mobile' : 'desktop',
        timeoutMs: input.timeoutMs,
        signal: ctx.signal,
      })
    } finally {
      release?.()
    }
  },
)
