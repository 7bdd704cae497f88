/**
 * Which part of the address space an IP belongs to: shared by the URL policy (the URL a
 * user typed, src/speedtest/url-policy.ts) and the browser's egress guard (every
 * connection the page makes, src/net/egress-guard.ts).
 *
 *   classifyAddress('10.1.2.3')        // → 'private'
 *   classifyAddress('::ffff:127.0.0.1') // → 'loopback' (IPv4-mapped addresses are unwrapped)
 *   classifyAddress('93.184.216.34')   // → 'public'
 */
import { isIPv4, isIPv6 } from 'node:net'

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'reserved'

interface V4Range {
  base: number
  bits: number
  kind: AddressClass
}

const v4 = (cidr: string, kind: AddressClass): V4Range => {
  const [base = '', bits = '32'] = cidr.split('/')
  return { base: ipv4ToInt(base), bits: Number(bits), kind }
}

// Order matters: the metadata address sits inside link-local and must match first.
const V4_RANGES: V4Range[] = [
  v4('169.254.169.254/32', 'metadata'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
]

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
}

function classifyV4(ip: string): AddressClass {
  const value = ipv4ToInt(ip)
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.bits)
    if (value >= range.base && value < range.base + size) return range.kind
  }
  return 'public'
}

/** Expands an IPv6 address to its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups first, so one parser fits all.
  const text = (ip.toLowerCase().split('%')[0] ?? '').replace(/(\d+\.\d+\.\d+\.\d+)$/, (v4) => {
    const n = ipv4ToInt(v4)
    return `${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`
  })
  const [head = '', rest] = text.split('::')
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)))
  const left = parse(head)
  const right = rest === undefined ? [] : parse(rest)
  return [...left, ...new Array(Math.max(0, 8 - left.length - right.length)).fill(0), ...right]
}

function classifyV6(ip: string): AddressClass {
  const g = ipv6Groups(ip)
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, i = 0] = g
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    return classifyV4(`${h >> 8}.${h & 255}.${i >> 8}.${i & 255}`)
  }
  if (g.every((x) => x === 0)) return 'unspecified'
  if (g.slice(0, 7).every((x) => x === 0) && i === 1) return 'loopback'
  if ((a & 0xfe00) === 0xfc00) return 'private'
  if ((a & 0xffc0) === 0xfe80) return 'link-local'
  if ((a & 0xff00) === 0xff00) return 'multicast'
  if (a === 0x64 && b === 0xff9b) return 'reserved'
  return 'public'
}

export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) return classifyV4(ip)
  if (isIPv6(ip.split('%')[0] ?? '')) return classifyV6(ip)
  return 'reserved'
}
