import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import type { Entry } from '../../api.ts'
import { waterfallChoices } from './run-choice.ts'

const entry = (url: string): Entry => ({ url, type: 'document', status: 200, start: 0, end: 10, bytes: 100 })
const run = (load: number, entries?: Entry[]) => ({
  httpStatus: 200,
  metrics: { ...emptyMetrics(), load },
  requests: entries?.length ?? 1,
  transferBytes: 100,
  error: null,
  ...(entries ? { entries } : {}),
})

test('a multi-run row offers every run, the median (the row’s own log and numbers) first chosen', () => {
  const own = [entry('https://a/'), entry('https://a/x.png')]
  const { choices, initial } = waterfallChoices({
    entries: own,
    metrics: { ...emptyMetrics(), load: 200 },
    medianRun: 1,
    runs: [
      run(100, [entry('https://a/')]),
      run(200),
      run(300, [entry('https://a/'), entry('https://a/y.png')]),
    ],
  })
  assert.deepEqual(
    choices.map((c) => [c.label, c.entries.length, c.metrics.load]),
    [
      ['Run 1', 1, 100],
      ['Run 2 (median)', 2, 200],
      ['Run 3', 2, 300],
    ],
  )
  assert.equal(initial, 1)
  assert.equal(choices[1]?.entries, own)
})

test('a single run, or runs without logs (an older server), draw the row’s own log only', () => {
  const own = [entry('https://a/')]
  assert.equal(waterfallChoices({ entries: own, metrics: emptyMetrics() }).choices.length, 1)
  const old = waterfallChoices({
    entries: own,
    metrics: emptyMetrics(),
    medianRun: 0,
    runs: [run(1), run(2)],
  })
  assert.deepEqual(
    old.choices.map((c) => c.label),
    ['Run 1 (median)'],
  )
  assert.deepEqual(waterfallChoices({ metrics: emptyMetrics() }).choices, [])
})
