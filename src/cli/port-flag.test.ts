import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UsageError } from './args.ts'
import { listenError, portFlag } from './port-flag.ts'

describe('portFlag', () => {
  it('takes 0 to 65535', () => {
    assert.equal(portFlag('0'), 0)
    assert.equal(portFlag('8080'), 8080)
    assert.equal(portFlag('65535'), 65535)
  })
  for (const bad of ['abc', '-1', '65536', '80.5', '', ' 80', '0x50']) {
    it(`refuses "${bad}" in the flag's own words`, () =>
      assert.throws(
        () => portFlag(bad),
        (error: unknown) => {
          assert.ok(error instanceof UsageError)
          assert.match(error.message, /^--port must be a port number from 0 to 65535/)
          return true
        },
      ))
  }
})

describe('listenError', () => {
  const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code })
  it('says a port is in use, naming it and the way out', () => {
    const { message } = listenError(failure('EADDRINUSE'), '0.0.0.0', 4000)
    assert.match(message, /^Port 4000 is already in use on 0\.0\.0\.0.*--port N/)
    assert.doesNotMatch(message, /EADDRINUSE/)
  })
  it('explains privileged ports and foreign addresses', () => {
    assert.match(listenError(failure('EACCES'), '0.0.0.0', 80).message, /above 1023/)
    assert.match(
      listenError(failure('EADDRNOTAVAIL'), '10.9.9.9', 80).message,
      /not an address of this machine/,
    )
  })
  it('passes anything else through', () => {
    const other = failure('EMFILE')
    assert.equal(listenError(other, '0.0.0.0', 80), other)
  })
})
