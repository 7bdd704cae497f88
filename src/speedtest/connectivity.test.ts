import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  CONNECTIVITY_NAMES,
  connectivityProfile,
  isConnectivityName,
  withConnectivity,
} from './connectivity.ts'
import { egressKey, parseEgressPolicy } from './egress.ts'

describe('connectivity profiles', () => {
  it("has WebPageTest's figures", () => {
    assert.deepEqual(connectivityProfile('cable'), { name: 'cable', rttMs: 28, downKbps: 5000, upKbps: 1000 })
    assert.deepEqual(connectivityProfile('4g'), { name: '4g', rttMs: 170, downKbps: 9000, upKbps: 9000 })
    assert.deepEqual(connectivityProfile('3g'), { name: '3g', rttMs: 300, downKbps: 1600, upKbps: 768 })
    assert.deepEqual(connectivityProfile('3g-slow'), {
      name: '3g-slow',
      rttMs: 400,
      downKbps: 400,
      upKbps: 400,
    })
    assert.deepEqual([...CONNECTIVITY_NAMES], ['native', 'cable', '4g', '3g', '3g-slow'])
    assert.equal(isConnectivityName('3G'), false)
    assert.equal(isConnectivityName(3), false)
  })

  it("adds the profile's last mile to the node's policy; native leaves it alone", () => {
    const node = { allowPrivate: false, latencyMs: 80 }
    assert.deepEqual(withConnectivity(node, connectivityProfile('native')), node)
    const shaped = withConnectivity(node, connectivityProfile('3g'))
    assert.deepEqual(shaped, { allowPrivate: false, latencyMs: 380, downKbps: 1600, upKbps: 768 })
    assert.deepEqual(parseEgressPolicy(JSON.parse(JSON.stringify(shaped))), shaped)
    assert.notEqual(egressKey(shaped), egressKey({ ...shaped, downKbps: 400 }))
  })

  it('refuses a policy whose bandwidth is not a number ≥ 0', () => {
    assert.equal(parseEgressPolicy({ allowPrivate: false, latencyMs: 0, downKbps: '1600' }), null)
    assert.equal(parseEgressPolicy({ allowPrivate: false, latencyMs: 0, upKbps: -1 }), null)
  })
})
