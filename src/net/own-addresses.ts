/**
 * This machine's own addresses, from its network interfaces. A page that connects to one
 * of them reaches whatever listens on the node itself (its API, a database bound to
 * 0.0.0.0, nats-server's monitor) even when the address is public, so the egress guard
 * refuses them like private ones.
 *
 *   isOwnAddress('127.0.0.1')      // true (lo)
 *   isOwnAddress('203.0.113.9')    // true on a VM whose eth0 has that public address
 *
 * Interfaces change (DHCP, a VPN coming up), so the list is read again after a few
 * seconds; reading it costs a getifaddrs() call, far less than the connection it guards.
 */
import { networkInterfaces } from 'node:os'
import { formatIp, type Ip, parseIp } from './ip.ts'

const REFRESH_MS = 5000
let cached: { at: number; addresses: Set<string> } | null = null

function canonical(ip: Ip): string {
  return formatIp(ip)
}

/** The canonical text of every address on this machine's interfaces. */
export function ownAddresses(now = performance.now()): Set<string> {
  if (cached && now - cached.at < REFRESH_MS) return cached.addresses
  const addresses = new Set<string>()
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const ip = parseIp(entry.address)
      if (ip) addresses.add(canonical(ip))
    }
  }
  cached = { at: now, addresses }
  return addresses
}

/** Whether `address` (or the IPv4 an IPv4-mapped address stands for) is one of this machine's. */
export function isOwnAddress(address: string, own: ReadonlySet<string> = ownAddresses()): boolean {
  const ip = parseIp(address)
  if (!ip) return false
  if (own.has(canonical(ip))) return true
  // ::ffff:a.b.c.d is the IPv4 socket a.b.c.d on a dual-stack socket.
  return (
    ip.version === 6 &&
    ip.value >> 32n === 0xffffn &&
    own.has(canonical({ version: 4, value: ip.value & 0xffffffffn }))
  )
}
