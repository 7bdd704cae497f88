import assert from 'node:assert/strict'
import { it } from 'node:test'
import { rowFields } from './row-fields.ts'

const complete = {
  status: 'complete',
  httpStatus: 200,
  finalUrl: 'http://127.0.0.1:1/',
  metrics: { ttfb: 5, fcp: 10, lcp: null, cls: 0, tbt: 0, domContentLoaded: 20, load: 30 },
  requests: 7,
  transferBytes: 179_139,
  cold: false,
  bootMs: 0,
  error: null,
  final: true,
  updatedAt: 1_796_187_831_415,
  entries: [{ url: 'http://127.0.0.1:1/', type: 'document', status: 200, start: 0, end: 9, bytes: 321 }],
  settings: { device: 'desktop' },
  lcpElement: null,
  layoutShifts: [],
  trimmed: ['images'],
}

it('keeps every field of a well-formed row as it is', () => {
  assert.deepEqual(rowFields(complete), complete)
})

it('drops a field of the wrong type and fields it does not know, keeping the rest', () => {
  const got = rowFields({
    ...complete,
    requests: '7',
    cold: 'yes',
    metrics: { ttfb: 'fast' },
    error: { code: 7 },
    entries: [{ url: 1 }],
    trimmed: [1],
    bootMs: Number.NaN,
    node: 'spoofed',
    __proto__: { polluted: true },
    extra: 1,
  })
  const {
    requests: _r,
    cold: _c,
    metrics: _m,
    error: _e,
    entries: _n,
    trimmed: _t,
    bootMs: _b,
    ...rest
  } = complete
  assert.deepEqual(got, rest)
})

it('is no row without a known status', () => {
  assert.equal(rowFields({ ...complete, status: 'done' }), null)
  assert.equal(rowFields({ ...complete, status: undefined }), null)
})
