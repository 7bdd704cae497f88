/**
 * Which processes a child started, read from /proc (Linux). A child's Chromium may be
 * reparented when its parent dies, so "descendants" alone cannot prove nothing was
 * left behind; a marker in the environment, which every descendant inherits, can.
 *
 *   const marker = `e2e-${process.pid}-${Date.now()}`
 *   spawn(node, args, { env: { ...process.env, WPS_E2E_MARK: marker } })
 *   markedProcesses('WPS_E2E_MARK', marker)   // [{ pid, command }] still alive
 */
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcessInfo {
  pid: number
  ppid: number
  /** process group: puppeteer starts Chromium as a group leader, and its helpers stay in the group */
  pgrp: number
  command: string
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null // the process ended while we looked
  }
}

/** Live processes (zombies, which are already dead and only wait to be reaped, are left out). */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = read(`/proc/${entry}/stat`)
    if (!stat) continue
    // Fields after the parenthesised command name: state, ppid, …
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (state === 'Z' || state === 'X') continue
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').join(' ').trim()
    processes.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), command })
  }
  return processes
}

export function descendantsOf(rootPid: number): ProcessInfo[] {
  const all = listProcesses()
  const found: ProcessInfo[] = []
  const parents = new Set([rootPid])
  let grew = true
  while (grew) {
    grew = false
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid)
        found.push(info)
        grew = true
      }
    }
  }
  return found
}

export function isMarked(info: ProcessInfo, name: string, value: string): boolean {
  return (read(`/proc/${info.pid}/environ`) ?? '').split('\0').includes(`${name}=${value}`)
}

/** Live processes whose environment holds `name=value`. */
export function markedProcesses(name: string, value: string): ProcessInfo[] {
  return listProcesses().filter((info) => isMarked(info, name, value))
}

export const isChromium = (info: ProcessInfo): boolean =>
  /chrom(e|ium)/i.test(info.command.split(' ')[0] ?? '')

/** Live processes of a process group, e.g. everything of one Chromium (its pid is the group id). */
export function livingInGroup(pgid: number): number[] {
  return listProcesses()
    .filter((info) => info.pgrp === pgid)
    .map((info) => info.pid)
}

/** Polls until `condition` holds or `timeoutMs` passes; resolves with whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  return condition()
}
