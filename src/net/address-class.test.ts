import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type AddressClass, carriedIpv4, classifyAddress } from './address-class.ts'
import { cidr, formatIp, formatIpv4 } from './ip.ts'

// The registries' tables, written out again here (not imported) so a wrong row in the
// classifier cannot also be the expectation. Each block is checked at its first and last address.

/** IANA IPv4 Special-Purpose Address Registry (2024), plus multicast and broadcast. */
const IPV4_BLOCKS: Array<[string, AddressClass]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/29', 'protocol-assignment'],
  ['192.0.0.8/32', 'protocol-assignment'],
  ['192.0.0.170/31', 'protocol-assignment'],
  ['192.0.0.0/24', 'protocol-assignment'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/5', 'reserved'],
  ['255.255.255.255/32', 'broadcast'],
]

/** Rows of the registry marked globally reachable, inside or next to the blocks above. */
const IPV4_PUBLIC = [
  '192.0.0.9', // PCP anycast
  '192.0.0.10', // TURN anycast
  '192.31.196.1', // AS112-v4
  '192.52.193.1', // AMT
  '192.175.48.1', // AS112 direct delegation
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '93.184.216.34',
  '8.8.8.8',
]

const METADATA = [
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '192.0.0.192',
  '168.63.129.16',
  'fd00:ec2::254',
]

/** IANA IPv6 Special-Purpose Address Registry (2024) and the deprecated scopes. */
const IPV6_BLOCKS: Array<[string, AddressClass]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'translation'],
  ['100::/64', 'discard'],
  ['100:0:0:1::/64', 'reserved'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:10::/28', 'orchid'],
  ['2001:20::/28', 'orchid'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'reserved'],
  ['fc00::/8', 'private'],
  ['fd00::/8', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
  // The parts of the IETF protocol assignments 2001::/23 that are not reachable.
  ['2001:1::/128', 'protocol-assignment'],
  ['2001:1::4/126', 'protocol-assignment'],
  ['2001:4::/48', 'protocol-assignment'],
  ['2001:40::/26', 'protocol-assignment'],
  ['2001:100::/24', 'protocol-assignment'],
  // Outside 2000::/3 nothing is allocated for global unicast.
  ['4000::/3', 'reserved'],
  ['e000::/4', 'reserved'],
  ['1::/16', 'reserved'],
]

const IPV6_PUBLIC = [
  '2001:1::1',
  '2001:1::2',
  '2001:1::3',
  '2001:3::1',
  '2001:4:112::1',
  '2001:30::1',
  '2001:200::1',
  '2606:4700::1111',
  '2a00:1450:4001::1',
  '3fff:1000::1', // just past the 3fff::/20 documentation block
  '2001:db9::1',
]

function firstAndLast(block: string): [string, string] {
  const { version, base, bits } = cidr(block)
  const size = 1n << BigInt((version === 4 ? 32 : 128) - bits)
  return [formatIp({ version, value: base }), formatIp({ version, value: base + size - 1n })]
}

const v4Value = (ip: string) => ip.split('.').reduce((acc, part) => acc * 256n + BigInt(part), 0n)
const hex32 = (value: bigint) => `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`

/** Every IPv6 spelling that carries `ip`, by name. */
function embeddedForms(ip: string): Record<string, string> {
  const value = v4Value(ip)
  const server = v4Value('65.54.227.120') // a public Teredo server
  return {
    mapped: `::ffff:${ip}`,
    'mapped, hex': `::ffff:${hex32(value)}`,
    translated: `::ffff:0:${ip}`,
    compatible: `::${ip}`,
    nat64: `64:ff9b::${ip}`,
    '6to4': `2002:${hex32(value)}::1`,
    'teredo client': `2001:0:${hex32(server)}:8000:f227:${hex32(~value & 0xffffffffn)}`,
    'teredo server': `2001:0:${hex32(value)}:8000:f227:${hex32(~server & 0xffffffffn)}`,
  }
}

describe('classifyAddress: the IPv4 special-purpose registry', () => {
  for (const [block, kind] of IPV4_BLOCKS) {
    it(`${block} is ${kind}, and so is every IPv6 form that carries it`, () => {
      for (const address of firstAndLast(block)) {
        assert.equal(classifyAddress(address), kind, address)
        for (const [form, spelled] of Object.entries(embeddedForms(address))) {
          // ::0.0.0.1 is ::1, the IPv6 loopback, a row of its own.
          const expected = form === 'compatible' && address === '0.0.0.1' ? 'loopback' : kind
          assert.equal(classifyAddress(spelled), expected, `${form} ${spelled} (${address})`)
        }
      }
    })
  }
  it('globally reachable rows and the edges around the blocks are public, in every form', () => {
    for (const address of IPV4_PUBLIC) {
      assert.equal(classifyAddress(address), 'public', address)
      for (const [form, spelled] of Object.entries(embeddedForms(address))) {
        assert.equal(classifyAddress(spelled), 'public', `${form} ${spelled}`)
      }
    }
  })
  it('cloud metadata endpoints are metadata, in every form', () => {
    for (const address of METADATA) {
      assert.equal(classifyAddress(address), 'metadata', address)
      if (!address.includes(':')) {
        for (const spelled of Object.values(embeddedForms(address))) {
          assert.equal(classifyAddress(spelled), 'metadata', spelled)
        }
      }
    }
  })
})

describe('classifyAddress: the IPv6 special-purpose registry', () => {
  for (const [block, kind] of IPV6_BLOCKS) {
    it(`${block} is ${kind}`, () => {
      for (const address of firstAndLast(block)) assert.equal(classifyAddress(address), kind, address)
    })
  }
  it('globally reachable rows and global unicast are public', () => {
    for (const address of IPV6_PUBLIC) assert.equal(classifyAddress(address), 'public', address)
  })
  it('accepts brackets, zones and upper case; anything else is reserved', () => {
    assert.equal(classifyAddress('[::1]'), 'loopback')
    assert.equal(classifyAddress('FE80::1%eth0'), 'link-local')
    assert.equal(classifyAddress('::FFFF:7F00:1'), 'loopback')
    assert.equal(classifyAddress('example.com'), 'reserved')
    assert.equal(classifyAddress('127.1'), 'reserved')
    assert.equal(classifyAddress(''), 'reserved')
  })
})

describe('carriedIpv4', () => {
  it('is the IPv4 a mapped, compatible, NAT64, 6to4 or Teredo address delivers to', () => {
    for (const [form, spelled] of Object.entries(embeddedForms('10.1.2.3'))) {
      if (form === 'teredo server') continue
      assert.equal(formatIpv4(carriedIpv4(spelled) ?? -1n), '10.1.2.3', `${form} ${spelled}`)
    }
    assert.equal(carriedIpv4('2606:4700::1111'), null)
    assert.equal(carriedIpv4('10.1.2.3'), null)
  })
})
