import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { elapsedPrefix } from './report.ts'

describe('elapsedPrefix', () => {
  it('shows seconds since the start with one decimal, aligned', () => {
    assert.equal(elapsedPrefix(1000, 1000), '[  0.0 s]')
    assert.equal(elapsedPrefix(1000, 2260), '[  1.3 s]')
    assert.equal(elapsedPrefix(0, 123_456), '[123.5 s]')
  })
})
