import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type MeasurementObserver, observeRuns } from './measurement-observer.ts'

function recorder() {
  const seen = { queued: [] as number[], booted: [] as number[], measured: [] as unknown[] }
  const observer: MeasurementObserver = {
    queued: (s) => seen.queued.push(s),
    booted: (s) => seen.booted.push(s),
    measured: (outcome) => seen.measured.push({ ...outcome, seconds: outcome.seconds > 0 }),
  }
  return { seen, observer }
}

describe('observeRuns', () => {
  it('times the wait and the run, and counts each runner boot once', async () => {
    const { seen, observer } = recorder()
    const runs = observeRuns(observer, 'ord')
    const first = runs.start()
    const second = runs.start()
    await sleep(20)
    // Both calls waited for the runner one boot made.
    first.placed({ runnerId: 'browser-1', cold: true, bootMs: 800 })
    second.placed({ runnerId: 'browser-1', cold: true, bootMs: 800 })
    await sleep(5)
    first.ended('complete', null)
    second.ended('error', 'timeout')
    assert.deepEqual(seen.booted, [0.8])
    assert.equal(seen.queued.length, 2)
    for (const wait of seen.queued) assert.ok(wait >= 0.015, `waited ${wait} s`)
    assert.deepEqual(seen.measured, [
      { region: 'ord', status: 'complete', code: null, seconds: true },
      { region: 'ord', status: 'error', code: 'timeout', seconds: true },
    ])
  })

  it('reports a run that never got a runner with zero seconds on one', () => {
    const { seen, observer } = recorder()
    observeRuns(observer, 'fra').start().ended('error', 'timeout')
    assert.deepEqual(seen.queued, [])
    assert.deepEqual(seen.measured, [{ region: 'fra', status: 'error', code: 'timeout', seconds: false }])
  })
})
