import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AllowTargetsError, isAllowedTarget, parseAllowTargets } from './allow-targets.ts'

describe('parseAllowTargets', () => {
  it('reads addresses, ports and CIDR blocks of both families', () => {
    const targets = parseAllowTargets(' 10.1.2.0/24, 127.0.0.1:8080 ,fd00::5,[fd00::6]:443,fd01::/16,')
    assert.deepEqual(
      targets.map((t) => [t.text, t.block.bits, t.port]),
      [
        ['10.1.2.0/24', 24, null],
        ['127.0.0.1:8080', 32, 8080],
        ['fd00::5', 128, null],
        ['[fd00::6]:443', 128, 443],
        ['fd01::/16', 16, null],
      ],
    )
  })
  it('is empty when unset or blank', () => {
    assert.deepEqual(parseAllowTargets(undefined), [])
    assert.deepEqual(parseAllowTargets('  '), [])
  })
  const bad: Array<[string, RegExp]> = [
    ['intranet.local', /"intranet\.local" is a host name; give its IP address/],
    ['intranet.local:8080', /host name/],
    ['10.1.2.0/33', /not an address or CIDR block/],
    ['10.1.2', /not an address or CIDR block/],
    ['127.0.0.1:0', /port must be a number from 1 to 65535, got "0"/],
    ['127.0.0.1:99999', /port must be a number from 1 to 65535/],
    ['127.0.0.1:', /port must be/],
    ['[::1]:http', /port must be/],
    ['10.1.2.0/24:80', /a CIDR block takes no port/],
    ['169.254.169.254', /cloud metadata address, which can never be allowed/],
    ['[fd00:ec2::254]:80', /cloud metadata/],
  ]
  for (const [text, message] of bad) {
    it(`refuses "${text}" with a clear message`, () => {
      assert.throws(
        () => parseAllowTargets(`127.0.0.1,${text}`),
        (error: unknown) => {
          assert.ok(error instanceof AllowTargetsError)
          assert.match(error.message, message)
          return true
        },
      )
    })
  }
})

describe('isAllowedTarget', () => {
  const targets = parseAllowTargets('10.1.2.0/24,127.0.0.1:8080,[fd00::6]:443')
  const cases: Array<[string, number, boolean]> = [
    ['10.1.2.0', 1, true],
    ['10.1.2.255', 65535, true],
    ['10.1.3.0', 80, false],
    ['127.0.0.1', 8080, true],
    ['127.0.0.1', 8081, false],
    ['127.0.0.2', 8080, false],
    ['::ffff:127.0.0.1', 8080, true],
    ['::ffff:127.0.0.1', 8081, false],
    ['::127.0.0.1', 8080, false], // IPv4-compatible is another address (and not a socket Linux reaches)
    ['fd00::6', 443, true],
    ['fd00::6', 80, false],
    ['fd00::7', 443, false],
    ['not-an-ip', 8080, false],
  ]
  for (const [address, port, allowed] of cases) {
    it(`${address}:${port} → ${allowed ? 'allowed' : 'not named'}`, () =>
      assert.equal(isAllowedTarget(targets, address, port), allowed))
  }
  it('an entry in mapped spelling names IPv4 space', () => {
    assert.ok(isAllowedTarget(parseAllowTargets('::ffff:10.0.0.0/104'), '10.9.9.9', 80))
  })
})
