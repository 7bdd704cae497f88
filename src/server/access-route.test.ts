import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import { accessOf, registerAccessRoute } from './access-route.ts'

describe('accessOf', () => {
  it('needs a key to start only when keys are set, and to read only with protectReads too', () => {
    assert.deepEqual(accessOf(undefined), { startNeedsKey: false, readsNeedKey: false })
    assert.deepEqual(accessOf({ keys: [], protectReads: true }), {
      startNeedsKey: false,
      readsNeedKey: false,
    })
    assert.deepEqual(accessOf({ keys: ['k1'], protectReads: false }), {
      startNeedsKey: true,
      readsNeedKey: false,
    })
    assert.deepEqual(accessOf({ keys: ['k1'], protectReads: true }), {
      startNeedsKey: true,
      readsNeedKey: true,
    })
  })

  it('is what GET /api/access answers', async () => {
    const app = Fastify()
    try {
      registerAccessRoute(app, accessOf({ keys: ['k1'], protectReads: true }))
      const response = await app.inject({ method: 'GET', url: '/api/access' })
      assert.equal(response.statusCode, 200)
      assert.deepEqual(response.json(), { startNeedsKey: true, readsNeedKey: true })
    } finally {
      await app.close()
    }
  })
})
