/**
 * Which upstream connections the browser's egress proxy may open. The URL policy checks
 * only the URL a user typed; a page can still redirect to, or load from, an address
 * inside our network (169.254.169.254, 10.0.0.5). So the proxy every browser connection
 * crosses asks a guard about the RESOLVED address right before it connects — and
 * connects to exactly that address, so a name cannot resolve differently in between.
 *
 *   publicAddressesOnly('10.0.0.5', 80)     // 'private' (refused: the reason is the address class)
 *   publicAddressesOnly('93.184.216.34', 443) // null (allowed)
 *   blockedCode('private', '10.0.0.5')       // 'EBLOCKED:private:10.0.0.5'
 *   parseBlockedCode('EBLOCKED:private:10.0.0.5') // { reason: 'private', address: '10.0.0.5' }
 *
 * A refusal travels like any other upstream failure: as an errno-like code in the
 * proxy's failure record and its `x-wps-proxy-error` header, which the browser layer
 * turns into the error code `blocked_address`.
 */
import { classifyAddress } from './address-class.ts'

/** null: the connection may be opened; otherwise why not (e.g. the address class). */
export type EgressGuard = (address: string, port: number) => string | null

/** The production guard: only public addresses. */
export const publicAddressesOnly: EgressGuard = (address) => {
  const kind = classifyAddress(address)
  return kind === 'public' ? null : kind
}

export const BLOCKED_PREFIX = 'EBLOCKED'

/** The failure code for a refused connection; reason and address are reduced to safe characters. */
export function blockedCode(reason: string, address: string): string {
  const safeReason =
    reason
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 40) || 'refused'
  const safeAddress = address
    .toLowerCase()
    .replace(/[^0-9a-f.:]/g, '')
    .slice(0, 45)
  return `${BLOCKED_PREFIX}:${safeReason}:${safeAddress}`
}

const BLOCKED = /^EBLOCKED:([a-z0-9-]{1,40}):([0-9a-f.:]{1,45})$/

export function parseBlockedCode(code: string): { reason: string; address: string } | null {
  const match = BLOCKED.exec(code)
  return match ? { reason: match[1]!, address: match[2]! } : null
}
