/**
 * `wps runner`: what a pool backend starts. It starts Chromium first (browser-warmup.ts:
 * the browser boots while the rest of the runner does), then loads the tasks the parent
 * calls and hands the process to FLAME's runner loop, which talks to the parent over IPC
 * (a child process) or dials it over NATS (a machine of its own, e.g. on Fly), and exits
 * when the parent goes away. Nothing else is loaded on the way to ready: no server, store
 * or cluster code, and puppeteer only after the runner has said ready. Not for people.
 */
import { warmUpBrowser } from '../speedtest/browser-warmup.ts'

export async function runner(): Promise<number> {
  const warm = warmUpBrowser()
  const [{ startRunner }] = await Promise.all([
    import('@world-page-speed/flame'),
    import('../speedtest/timed-nav.ts'),
    import('../speedtest/lighthouse-audit.ts'),
  ])
  await startRunner()
  warm.connect()
  return 0
}
