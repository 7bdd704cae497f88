import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { egressKey, parseEgressPolicy } from './egress.ts'

describe('egress policy across a process boundary', () => {
  it('keeps WPS_ALLOW_TARGETS entries as text, and names them in the resource key', () => {
    const policy = { allowPrivate: false, latencyMs: 0, allowTargets: ['10.1.2.0/24', '127.0.0.1:8080'] }
    assert.deepEqual(parseEgressPolicy(JSON.parse(JSON.stringify(policy))), policy)
    assert.notEqual(egressKey(policy), egressKey({ allowPrivate: false, latencyMs: 0 }))
    assert.deepEqual(parseEgressPolicy({ allowPrivate: true, latencyMs: 5 }), {
      allowPrivate: true,
      latencyMs: 5,
    })
  })
  it('refuses a policy whose allow-list is not a list of valid entries', () => {
    for (const allowTargets of ['10.0.0.0/8', [1], ['intranet.local'], ['169.254.169.254']]) {
      assert.equal(
        parseEgressPolicy({ allowPrivate: false, latencyMs: 0, allowTargets }),
        null,
        String(allowTargets),
      )
    }
  })
})
