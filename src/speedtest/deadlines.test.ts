import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createMemoryCluster, MemoryHub } from '../cluster/index.ts'
import { openStore } from '../store/index.ts'
import {
  lighthouseCallTimeoutMs,
  loadCallTimeoutMs,
  type RequestShape,
  regionDeadlineMs,
  type StepLimits,
} from './deadlines.ts'
import type { SpeedTest } from './model.ts'
import { MEASURE_METHOD, type RegionUpdate } from './protocol.ts'
import { SpeedTests } from './speed-tests.ts'

const limits: StepLimits = {
  queueTimeoutMs: 120_000,
  navTimeoutMs: 30_000,
  lateWindowMs: 5_000,
  lighthouseTimeoutMs: 60_000,
}

describe('deadlines', () => {
  it('gives each pool call its wait in line, its loads and room', () => {
    assert.equal(loadCallTimeoutMs(limits, {}), 120_000 + 35_000 + 15_000)
    assert.equal(loadCallTimeoutMs(limits, { repeatView: true }), 120_000 + 2 * 35_000 + 15_000)
    assert.equal(lighthouseCallTimeoutMs(limits), 120_000 + 60_000 + 15_000)
  })

  it('gives the owner every run one after another, then Lighthouse, and room for the last row', () => {
    assert.equal(regionDeadlineMs(limits, { runs: 1 }), 170_000 + 30_000)
    assert.equal(
      regionDeadlineMs(limits, { runs: 3, repeatView: true, lighthouse: true }),
      3 * 205_000 + 195_000 + 30_000,
    )
    // every step's own timeout fits inside the owner's wait: the step's error row wins
    const longest = regionDeadlineMs(limits, { runs: 5, repeatView: true, lighthouse: true })
    assert.ok(longest > 5 * loadCallTimeoutMs(limits, { repeatView: true }) + lighthouseCallTimeoutMs(limits))
  })

  it('SpeedTests waits for a region as long as that request needs, not one figure for all', async () => {
    const hub = new MemoryHub()
    const dir = mkdtempSync(join(tmpdir(), 'wps-deadlines-'))
    const store = await openStore({ dataDir: dir, databaseUrl: null })
    const cluster = createMemoryCluster(hub, { node: 'ord-1', region: 'ord', machineId: 'm', capacity: 1 })
    const asked: RequestShape[] = []
    const tests = new SpeedTests({
      cluster,
      store,
      allowPrivate: true,
      // 250 ms per run: one run is cut off by a region that takes 400 ms, three are not
      deadlineMs: (request) => {
        asked.push({ runs: request.runs, repeatView: request.repeatView, lighthouse: request.lighthouse })
        return 250 * request.runs
      },
      retainMs: 50,
    })
    cluster.serve(MEASURE_METHOD, async () => {
      await sleep(400)
      return {
        status: 'complete',
        httpStatus: 200,
        finalUrl: 'http://127.0.0.1:1/',
        metrics: { ttfb: 5, fcp: 10, lcp: 12, cls: 0, tbt: 0, domContentLoaded: 20, load: 30 },
        requests: 1,
        transferBytes: 321,
        cold: false,
        bootMs: 0,
        error: null,
        updatedAt: Date.now(),
      } satisfies RegionUpdate
    })
    const finish = async (body: { runs: number; lighthouse?: boolean }): Promise<SpeedTest> => {
      const started = await tests.start({ url: 'http://127.0.0.1:1/', regions: ['ord'], ...body })
      assert.ok(started.ok, JSON.stringify(started))
      for (let i = 0; i < 300; i++) {
        const test = await tests.get(started.test.id)
        if (test?.state === 'done') return test
        await sleep(10)
      }
      throw new Error('the test did not end')
    }
    try {
      const one = await finish({ runs: 1 })
      assert.equal(one.results[0]?.status, 'error')
      assert.equal(one.results[0]?.error?.code, 'timeout')
      const three = await finish({ runs: 3, lighthouse: true })
      assert.equal(three.results[0]?.status, 'complete', JSON.stringify(three.results[0]?.error))
      // the follower's figure (the longest any test may take) was asked for first, once
      assert.deepEqual(asked, [
        { runs: 5, repeatView: true, lighthouse: true },
        { runs: 1, repeatView: undefined, lighthouse: undefined },
        { runs: 3, repeatView: undefined, lighthouse: true },
      ])
    } finally {
      await tests.close()
      await cluster.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
