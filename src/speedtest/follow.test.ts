import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseFollowMessage } from './follow.ts'
import { emptyMetrics } from './model.ts'

it('accepts the two follow messages and refuses anything else from the network', () => {
  const row = {
    node: 'ord-1',
    region: 'ord',
    status: 'loading',
    httpStatus: null,
    finalUrl: null,
    metrics: emptyMetrics(),
    requests: null,
    transferBytes: null,
    cold: true,
    bootMs: 180,
    error: null,
  }
  assert.deepEqual(parseFollowMessage({ type: 'row', result: row }), { type: 'row', result: row })
  // a field of the wrong type, or one this release does not know, does not get through; the rest does
  assert.deepEqual(
    parseFollowMessage({ type: 'row', result: { ...row, bootMs: '180', injected: '<script>' } }),
    {
      type: 'row',
      result: { ...row, bootMs: null },
    },
  )
  assert.deepEqual(parseFollowMessage({ type: 'stored', node: 'ord-1' }), { type: 'stored', node: 'ord-1' })
  for (const bad of [
    null,
    'row',
    { type: 'stored' },
    { type: 'stored', node: 7 },
    { type: 'row' },
    { type: 'row', result: { ...row, status: 'exploded' } },
    { type: 'row', result: { ...row, node: undefined } },
    { type: 'row', result: { ...row, metrics: null } },
    { type: 'done' },
  ]) {
    assert.equal(parseFollowMessage(bad), null, JSON.stringify(bad))
  }
})
