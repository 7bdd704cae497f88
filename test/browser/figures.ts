/**
 * Prints the browser layer's figures on this machine: launch time, wall time of a
 * `/rich` measurement with and without the spare context, and the CPU one
 * measurement costs (Chromium's whole process group + this Node process).
 *
 *   node --import tsx test/browser/figures.ts [runs]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { BrowserHost } from '../../src/browser/index.ts'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'

const runs = Number(process.argv[2] ?? 7)
const TICK = 100 // USER_HZ

/** CPU seconds of every process in a group, including reaped children (cutime/cstime). */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(f[2]) !== pgid) continue
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    } catch {}
  }
  return ticks / TICK
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

const site = await startFixtureSite()
const url = `${site.url}${FACTS.rich.path}`
try {
  for (const spare of [true, false]) {
    const launches: number[] = []
    const walls: number[] = []
    const loads: number[] = []
    const cpus: number[] = []
    for (let i = 0; i < 3; i++) {
      const host = await BrowserHost.launch({ spare })
      launches.push(host.launchMs)
      if (i === 0) {
        await host.measure(url, { timeoutMs: 10_000 }) // warm-up
        for (let r = 0; r < runs; r++) {
          await sleep(1000) // an idle gap, as between real tests: the spare is ready by then
          const cpu0 = groupCpuSeconds(host.pid!)
          const node0 = process.cpuUsage()
          const t0 = performance.now()
          const m = await host.measure(url, { timeoutMs: 10_000 })
          walls.push(performance.now() - t0)
          if (m.error || m.requests !== FACTS.rich.requests) throw new Error(JSON.stringify(m.error))
          loads.push(m.metrics.load!)
          await sleep(800) // let the context close and the spare open, and count that too
          const node = process.cpuUsage(node0)
          cpus.push(groupCpuSeconds(host.pid!) - cpu0 + (node.user + node.system) / 1e6)
        }
      }
      await host.close()
    }
    console.log(
      `spare=${spare}: launch ms (to ready) ${launches.map(Math.round).join(', ')} | ` +
        `/rich wall median ${Math.round(median(walls))} ms [${walls.map(Math.round).join(', ')}], ` +
        `load median ${Math.round(median(loads))} ms, CPU per measurement median ${median(cpus).toFixed(2)} s`,
    )
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
} finally {
  await site.close()
}
