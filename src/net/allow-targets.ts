/**
 * `WPS_ALLOW_TARGETS`: private targets allowed one by one, for intranets and staging
 * servers, while everything else stays refused. A comma list of `ADDRESS[:PORT]` or
 * `CIDR`:
 *
 *   const targets = parseAllowTargets('10.1.2.0/24,127.0.0.1:8080,[fd00::5]:443')
 *   isAllowedTarget(targets, '10.1.2.77', 5432)   // true  (the whole /24, any port)
 *   isAllowedTarget(targets, '127.0.0.1', 8080)   // true
 *   isAllowedTarget(targets, '127.0.0.1', 8081)   // false (another port)
 *   parseAllowTargets('intranet.local')           // throws AllowTargetsError: a host name, not an address
 *
 * Entries are addresses, not names: the guard judges the address a name resolved to, so
 * a name here would be a promise about DNS that DNS need not keep. An IPv4-mapped
 * spelling (::ffff:127.0.0.1) is the same socket as its IPv4 and is matched as that.
 * Cloud metadata addresses can never be allowed (egress-guard.ts refuses them first),
 * and an entry that names one exactly is an error rather than a silent no-op.
 */
import { classifyAddress } from './address-class.ts'
import { type Cidr, formatIp, type Ip, inCidr, parseCidr, parseIp } from './ip.ts'

export interface AllowTarget {
  block: Cidr
  /** null: every port. */
  port: number | null
  /** The entry as written, for messages. */
  text: string
}

export class AllowTargetsError extends Error {}

const FORMAT = 'expected ADDRESS, ADDRESS:PORT or CIDR, such as 10.1.2.0/24 or 127.0.0.1:8080'

function parsePort(text: string, entry: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN
  if (!(port >= 1 && port <= 65535)) {
    throw new AllowTargetsError(`"${entry}": the port must be a number from 1 to 65535, got "${text}".`)
  }
  return port
}

function parseEntry(entry: string): AllowTarget {
  let address = entry
  let port: number | null = null
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry)
  if (bracketed) {
    address = bracketed[1]!
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], entry)
  } else if (/^[^:]+:[^:]*$/.test(entry)) {
    // One colon: IPv4 (or a name) with a port. Two or more: a bare IPv6 address.
    const at = entry.lastIndexOf(':')
    address = entry.slice(0, at)
    port = parsePort(entry.slice(at + 1), entry)
  }
  if (port !== null && address.includes('/')) {
    throw new AllowTargetsError(`"${entry}": a CIDR block takes no port (${FORMAT}).`)
  }
  const block = parseCidr(address)
  if (!block) {
    const looksLikeName = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(address) && /[a-z]/i.test(address)
    throw new AllowTargetsError(
      looksLikeName
        ? `"${entry}" is a host name; give its IP address (the guard judges addresses after DNS).`
        : `"${entry}" is not an address or CIDR block (${FORMAT}).`,
    )
  }
  const single = block.bits === (block.version === 4 ? 32 : 128)
  if (single && classifyAddress(formatIp({ version: block.version, value: block.base })) === 'metadata') {
    throw new AllowTargetsError(`"${entry}" is a cloud metadata address, which can never be allowed.`)
  }
  return { block, port, text: entry }
}

/** Parses the comma list; empty or unset gives []. Throws AllowTargetsError naming the bad entry. */
export function parseAllowTargets(text: string | undefined): AllowTarget[] {
  if (text === undefined || text.trim() === '') return []
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseEntry)
}

function asIpv4IfMapped(ip: Ip): Ip {
  return ip.version === 6 && ip.value >> 32n === 0xffffn ? { version: 4, value: ip.value & 0xffffffffn } : ip
}

/** Whether a connection to `address`:`port` is named by one of the entries. */
export function isAllowedTarget(targets: readonly AllowTarget[], address: string, port: number): boolean {
  const parsed = parseIp(address)
  if (!parsed) return false
  const ip = asIpv4IfMapped(parsed)
  return targets.some(
    (target) => (target.port === null || target.port === port) && inCidr(ip, asIpv4Block(target.block)),
  )
}

/** An entry spelled as ::ffff:a.b.c.d/N (N ≥ 96) names IPv4 space. */
function asIpv4Block(block: Cidr): Cidr {
  if (block.version === 6 && block.bits >= 96 && block.base >> 32n === 0xffffn) {
    return { version: 4, base: block.base & 0xffffffffn, bits: block.bits - 96 }
  }
  return block
}
