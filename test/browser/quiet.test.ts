/**
 * Back to back, a page load starts only once the browser is quiet again. After a
 * measurement the used context is closed and a spare one opened; the spare's renderer
 * goes on starting up for a few hundred ms after it is open (about half a CPU-second
 * here), and a load started then would share the cores with it. So `whenIdle` — what
 * the machine's load budget waits for before the next load on this machine — resolves
 * only when Chromium's processes have fallen quiet, and a measurement that arrives right
 * behind another navigates only after that wait has ended. Chromium's CPU is read here
 * from /proc (the process group puppeteer starts it in), not from Chromium's own report
 * the host uses.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { QUIET, type QuietOutcome } from '../../src/browser/browser-quiet.ts'
import { BrowserHost } from '../../src/browser/index.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** CPU time (ms) used so far by the live processes of a process group. */
function groupCpuMs(pgrp: number): number {
  let ticks = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // ended while we looked
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) !== pgrp) continue
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks * TICK_MS
}

/** CPU (ms) the browser's processes use in the next `ms`. */
async function cpuOver(pgrp: number, ms: number): Promise<number> {
  const before = groupCpuMs(pgrp)
  await sleep(ms)
  return groupCpuMs(pgrp) - before
}

describe('back to back, the browser is quiet before the next load', () => {
  let site: FixtureSite
  let host: BrowserHost
  before(async () => {
    site = await startFixtureSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    await host?.close()
    await site?.close()
  })

  it('whenIdle resolves only once the spare context has finished starting up', async () => {
    const pid = host.pid as number
    for (let i = 0; i < 3; i++) {
      const m = await host.measure(`${site.url}${FACTS.rich.path}`, { timeoutMs: 15_000 })
      assert.equal(m.error, null)
      await host.whenIdle()
      // An idle Chromium uses next to nothing; a renderer still starting up, 100–500 ms of CPU in this time.
      const cpu = await cpuOver(pid, 300)
      assert.ok(
        cpu <= 40,
        `Chromium used ${cpu} ms of CPU in the 300 ms after whenIdle (measurement ${i + 1})`,
      )
      assert.equal(host.lastQuiet?.quiet, true, JSON.stringify(host.lastQuiet))
    }
  })

  it('a measurement right behind another navigates only after the wait for quiet has ended', async () => {
    const seenAtNavigation: Array<QuietOutcome | undefined> = []
    for (let i = 0; i < 3; i++) {
      const m = await host.measure(`${site.url}${FACTS.rich.path}`, {
        timeoutMs: 15_000,
        onNavigationStart: () => seenAtNavigation.push(host.lastQuiet),
      })
      assert.equal(m.error, null)
    }
    // Each navigation saw the outcome of the wait after the measurement before it: a new one each time.
    assert.equal(seenAtNavigation.length, 3)
    assert.equal(
      new Set(seenAtNavigation).size,
      3,
      'a navigation started before the last wait for quiet ended',
    )
    for (const outcome of seenAtNavigation) assert.equal(outcome?.quiet, true, JSON.stringify(outcome))
    // Each wait really watched the browser: at least the quiet samples it needs. (Little CPU
    // is left to see: the spare's renderer starts up while it is prepared, two animation
    // frames and a screencast frame before it counts as open, and Chromium starts no spare
    // renderer of its own; busyMs was 20 here, 50 and more before.)
    for (const outcome of seenAtNavigation) {
      assert.ok((outcome?.waitedMs ?? 0) >= QUIET.sampleMs * QUIET.quietSamples, JSON.stringify(outcome))
    }
  })
})
