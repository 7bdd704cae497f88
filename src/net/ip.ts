/**
 * IP addresses as numbers, so ranges are simple comparisons: an IPv4 address is a
 * 32-bit value, an IPv6 address a 128-bit one (both as bigint, one code path). Used by
 * the address classifier (address-class.ts) and the allow-list (allow-targets.ts).
 *
 *   parseIp('10.1.2.3')            // { version: 4, value: 167838211n }
 *   parseIp('::ffff:10.1.2.3')     // { version: 6, value: 281470849417731n } (dotted tail accepted)
 *   parseCidr('10.1.2.0/24')       // { version: 4, base: 167838208n, bits: 24 }
 *   inCidr(parseIp('10.1.2.9')!, parseCidr('10.1.2.0/24')!)   // true
 *   formatIpv4(167838211n)         // '10.1.2.3'
 *
 * Parsing is Node's own (`net.isIPv4`/`isIPv6`) before ours, so only what the kernel
 * would accept as a literal gets here; a zone (`fe80::1%eth0`) is dropped.
 */
import { isIPv4, isIPv6 } from 'node:net'

export interface Ip {
  version: 4 | 6
  value: bigint
}

export interface Cidr {
  version: 4 | 6
  /** The first address of the block (host bits cleared). */
  base: bigint
  bits: number
}

const width = (version: 4 | 6) => (version === 4 ? 32 : 128)

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => acc * 256n + BigInt(Number(part)), 0n)
}

function ipv6Value(text: string): bigint {
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups first, so one parser fits all.
  const hex = text.replace(/(\d+\.\d+\.\d+\.\d+)$/, (dotted) => {
    const n = ipv4Value(dotted)
    return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  })
  const [head = '', tail] = hex.split('::')
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const all = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return all.reduce((acc, group) => (acc << 16n) + BigInt(Number.parseInt(group, 16)), 0n)
}

/** An IP literal (IPv4 dotted quad or IPv6, brackets and zone allowed), or null. */
export function parseIp(text: string): Ip | null {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1')
  if (isIPv4(bare)) return { version: 4, value: ipv4Value(bare) }
  const noZone = bare.split('%')[0] ?? ''
  if (isIPv6(noZone)) return { version: 6, value: ipv6Value(noZone.toLowerCase()) }
  return null
}

/** `ADDRESS/BITS` with the host bits cleared, or null; a bare address is a /32 or /128. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', bitsText, extra] = text.trim().split('/')
  if (extra !== undefined) return null
  const ip = parseIp(address)
  if (!ip) return null
  const max = width(ip.version)
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null
  const bits = bitsText === undefined ? max : Number(bitsText)
  if (bits > max) return null
  const hostBits = BigInt(max - bits)
  return { version: ip.version, base: (ip.value >> hostBits) << hostBits, bits }
}

export function cidr(text: string): Cidr {
  const parsed = parseCidr(text)
  if (!parsed) throw new Error(`not a CIDR block: ${text}`)
  return parsed
}

export function inCidr(ip: Ip, block: Cidr): boolean {
  if (ip.version !== block.version) return false
  const hostBits = BigInt(width(block.version) - block.bits)
  return ip.value >> hostBits === block.base >> hostBits
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.')
}

/** The canonical text of an address: dotted quad, or RFC 5952 IPv6 (`::ffff:a.b.c.d` for mapped). */
export function formatIp(ip: Ip): string {
  if (ip.version === 4) return formatIpv4(ip.value)
  if (ip.value >> 32n === 0xffffn) return `::ffff:${formatIpv4(ip.value & 0xffffffffn)}`
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) =>
    Number((ip.value >> shift) & 0xffffn),
  )
  // The longest run of two or more zero groups becomes "::" (the first one on a tie).
  let best = { at: -1, length: 1 }
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.length) best = { at: i, length: j - i }
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`
}
