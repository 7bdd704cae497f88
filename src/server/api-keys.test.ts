import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { bearerToken, keyMatches } from './api-keys.ts'

const digest = (key: string) => createHash('sha256').update(key).digest()

describe('API keys', () => {
  it('reads the key of a Bearer authorization, and nothing else', () => {
    assert.equal(bearerToken('Bearer abc123'), 'abc123')
    assert.equal(bearerToken('bearer  abc123 '), 'abc123')
    assert.equal(bearerToken('Basic YWJjOmRlZg=='), null)
    assert.equal(bearerToken('Bearer'), null)
    assert.equal(bearerToken('Bearer a b'), null)
    assert.equal(bearerToken(undefined), null)
  })

  it('matches any configured key exactly, whatever its length', () => {
    const keys = ['first-key-0123456789', 'second-key-0123456789'].map(digest)
    assert.equal(keyMatches('first-key-0123456789', keys), true)
    assert.equal(keyMatches('second-key-0123456789', keys), true)
    assert.equal(keyMatches('second-key-012345678', keys), false, 'a prefix is not the key')
    assert.equal(keyMatches('second-key-01234567890', keys), false)
    assert.equal(keyMatches('', keys), false)
    assert.equal(keyMatches('first-key-0123456789', []), false)
  })
})
