import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authorization, loadApiKey, saveApiKey } from './api-key.ts'

test('the key becomes a Bearer authorization; no key, no header', () => {
  assert.deepEqual(authorization(' k-0123456789abcdef '), { authorization: 'Bearer k-0123456789abcdef' })
  assert.deepEqual(authorization('   '), {})
})

test('a saved key is read back, trimmed, even where there is no localStorage', () => {
  saveApiKey('  k-0123456789abcdef ')
  assert.equal(loadApiKey(), 'k-0123456789abcdef')
  saveApiKey('')
  assert.equal(loadApiKey(), '')
})
