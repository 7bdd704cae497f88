import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { signalExitCode } from './signals.ts'

describe('signalExitCode', () => {
  it('is 128 + the signal number, as a shell reports it', () => {
    assert.equal(signalExitCode('SIGINT'), 130)
    assert.equal(signalExitCode('SIGTERM'), 143)
    assert.equal(signalExitCode('SIGHUP'), 129)
  })
})
