/**
 * Finding a browser's processes from a test. puppeteer starts Chromium as the leader
 * of its own process group, and every helper process (zygotes, renderers, GPU,
 * network service) stays in that group, so "is anything of this browser still
 * running?" is "is any non-zombie process left in group <browser pid>?".
 *
 *   assert.deepEqual(livingInGroup(host.pid!), [])
 */
import { readdirSync, readFileSync } from 'node:fs'

export function livingInGroup(pgid: number): number[] {
  const living: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // exited while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may contain spaces, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(pgrp) === pgid && state !== 'Z') living.push(Number(name))
  }
  return living
}

export async function waitFor(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (condition()) return true
    await new Promise((r) => setTimeout(r, stepMs))
  }
  return condition()
}
