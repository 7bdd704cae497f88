import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Entry } from '../../api.ts'
import { barOf, milestones, shortName, timeAxis } from './layout.ts'

const entry = (start: number, end: number | null, extra: Partial<Entry> = {}): Entry => ({
  url: 'http://127.0.0.1:1/a.css',
  type: 'stylesheet',
  status: 200,
  start,
  end,
  bytes: 100,
  ...extra,
})

test('the axis covers the last request and every milestone, in round steps', () => {
  const axis = timeAxis([entry(0, 430), entry(100, 880)], { load: 950, lcp: 1210 })
  assert.equal(axis.endMs, 1250)
  assert.deepEqual(axis.ticks, [0, 250, 500, 750, 1000, 1250])
  assert.equal(timeAxis([], {}).endMs, 10, 'an empty log still has an axis')
})

test('a bar sits where its request started and ended on the shared axis', () => {
  const axis = { endMs: 1000, ticks: [] }
  assert.deepEqual(barOf(entry(250, 500), axis), { left: 25, width: 25, phases: [] })
  assert.equal(barOf(entry(900, null), axis).width, 10, 'an unfinished request runs to the end')
  assert.equal(barOf(entry(500, 500), axis).width, 0.3, 'a zero-length request stays visible')
})

test('timing phases follow each other from the start, skipping phases that did not happen', () => {
  const bar = barOf(
    entry(100, 400, {
      timings: { blocked: -1, dns: 50, connect: 50, ssl: 0, send: 0, wait: 150, receive: 50 },
    }),
    { endMs: 1000, ticks: [] },
  )
  assert.deepEqual(
    bar.phases.map((phase) => [phase.name, phase.left, phase.width]),
    [
      ['dns', 10, 5],
      ['connect', 15, 5],
      ['wait', 20, 15],
      ['receive', 35, 5],
    ],
  )
})

test('milestones are placed only when measured', () => {
  const marks = milestones({ domContentLoaded: 200, fcp: null, load: 500 }, { endMs: 1000, ticks: [] })
  assert.deepEqual(
    marks.map((mark) => [mark.label, mark.left]),
    [
      ['DCL', 20],
      ['Load', 50],
    ],
  )
})

test('request names are the last part of the path', () => {
  assert.equal(shortName('http://h:1/static/app.js?v=2'), 'app.js?v=2')
  assert.equal(shortName('http://h:1/'), 'h:1')
  assert.equal(shortName('not a url'), 'not a url')
})
