/**
 * `wps runner`: what a pool backend starts. It loads the same tasks the parent calls
 * and hands the process to FLAME's runner loop, which talks to the parent over IPC (a
 * child process) or dials it over NATS (a machine of its own, e.g. on Fly), and exits
 * when the parent goes away. Not for people.
 */
import { startRunner } from '@world-page-speed/flame'
import '../speedtest/timed-nav.ts'
import '../speedtest/lighthouse-audit.ts'

export async function runner(): Promise<number> {
  await startRunner()
  return 0
}
