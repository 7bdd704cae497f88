import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cpuGrowth, type ProcessCpu, processCpu, untilQuiet } from './browser-quiet.ts'
import { launchChromium } from './launch.ts'

/** Readings of CPU time in turn, as Chromium would report them for these processes. */
function readings(...list: Array<Record<number, number>>): () => Promise<ProcessCpu> {
  let next = 0
  return async () => {
    const reading = list[Math.min(next++, list.length - 1)] ?? {}
    return new Map(Object.entries(reading).map(([id, ms]) => [Number(id), ms]))
  }
}

describe('cpuGrowth', () => {
  it('adds what each process used, a new process with all its time, an ended one with none', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ])
    const after = new Map([
      [1, 130],
      [3, 20],
    ])
    assert.equal(cpuGrowth(before, after), 50)
    assert.equal(cpuGrowth(after, after), 0)
  })
})

describe('untilQuiet', () => {
  const rule = { sampleMs: 1, maxBusyMs: 10, quietSamples: 2, maxWaitMs: 5000 }

  it('waits for quiet samples in a row, counting the CPU used meanwhile', async () => {
    // busy 40, quiet 10, busy 30 (the lull does not count), then quiet 0 and 10
    const read = readings({ 1: 0 }, { 1: 40 }, { 1: 50 }, { 1: 80 }, { 1: 80 }, { 1: 90 })
    const outcome = await untilQuiet(read, rule)
    assert.equal(outcome.quiet, true)
    assert.equal(outcome.busyMs, 90)
  })

  it('gives up after maxWaitMs on a browser that stays busy', async () => {
    let ms = 0
    const busy = async (): Promise<ProcessCpu> => {
      ms += 50
      return new Map([[1, ms]])
    }
    const outcome = await untilQuiet(busy, { ...rule, maxWaitMs: 30 })
    assert.equal(outcome.quiet, false)
    assert.ok(outcome.waitedMs >= 30, String(outcome.waitedMs))
  })

  it('stops when aborted, and when the browser cannot be read', async () => {
    const aborted = await untilQuiet(readings({ 1: 0 }), rule, AbortSignal.abort())
    assert.equal(aborted.quiet, false)
    const gone = await untilQuiet(async () => {
      throw new Error('Target closed')
    }, rule)
    assert.deepEqual([gone.quiet, gone.busyMs], [false, 0])
  })
})

describe('processCpu', () => {
  it("reads every Chromium process, a new page's renderer included", async () => {
    const chromium = await launchChromium()
    try {
      const session = await chromium.browser.target().createCDPSession()
      const before = await processCpu(session)
      assert.ok(before.has(chromium.pid as number), 'the browser process is listed by its pid')
      const context = await chromium.browser.createBrowserContext()
      await context.newPage()
      const after = await processCpu(session)
      assert.ok(after.size > before.size, `a renderer appeared: ${[...before.keys()]} → ${[...after.keys()]}`)
      // Starting a renderer costs CPU time, which the reading shows.
      assert.ok(cpuGrowth(before, after) > 0)
      await context.close()
    } finally {
      await chromium.close()
    }
  })
})
