/**
 * Which upstream connections the browser's egress proxy may open. The URL policy checks
 * only the URL a user typed; a page can still redirect to, or load from, an address
 * inside our network (169.254.169.254, 10.0.0.5). So the proxy every browser connection
 * crosses asks a guard about the RESOLVED address right before it connects — and
 * connects to exactly that address, so a name cannot resolve differently in between.
 *
 *   publicAddressesOnly('10.0.0.5', 80)     // 'private' (refused: the reason is the address class)
 *   publicAddressesOnly('93.184.216.34', 443) // null (allowed)
 *   const guard = createEgressGuard({ allowTargets: parseAllowTargets('10.1.2.0/24') })
 *   guard('10.1.2.3', 5432)                   // null (WPS_ALLOW_TARGETS names it)
 *   guard('169.254.169.254', 80)              // 'metadata' (never allowed)
 *   blockedCode('private', '10.0.0.5')       // 'EBLOCKED:private:10.0.0.5'
 *   parseBlockedCode('EBLOCKED:private:10.0.0.5') // { reason: 'private', address: '10.0.0.5' }
 *
 * A refusal travels like any other upstream failure: as an errno-like code in the
 * proxy's failure record and its `x-wps-proxy-error` header, which the browser layer
 * turns into the error code `blocked_address`.
 *
 * The order of the checks is the policy: a cloud metadata address is refused whatever
 * else is configured; then an address `WPS_ALLOW_TARGETS` names is allowed (allow-targets.ts);
 * then anything not public (address-class.ts) is refused, and so is any address of this
 * machine's own interfaces (own-addresses.ts), public or not (`own-address`).
 */
import { type AddressClass, carriedIpv4, classifyAddress } from './address-class.ts'
import { type AllowTarget, isAllowedTarget } from './allow-targets.ts'
import { formatIpv4 } from './ip.ts'
import { isOwnAddress, ownAddresses } from './own-addresses.ts'

/** null: the connection may be opened; otherwise why not (e.g. the address class). */
export type EgressGuard = (address: string, port: number) => string | null

export type Refusal = Exclude<AddressClass, 'public'> | 'own-address'

export interface EgressGuardOptions {
  /** WPS_ALLOW_TARGETS, parsed. */
  allowTargets?: readonly AllowTarget[]
  /** This machine's addresses (canonical text); defaults to its interfaces, read now and then. */
  ownAddresses?: () => ReadonlySet<string>
}

export function createEgressGuard(
  options: EgressGuardOptions = {},
): (address: string, port: number) => Refusal | null {
  const allowTargets = options.allowTargets ?? []
  const own = options.ownAddresses ?? (() => ownAddresses())
  return (address, port) => {
    const kind = classifyAddress(address)
    if (kind === 'metadata') return kind
    if (isAllowedTarget(allowTargets, address, port)) return null
    if (kind !== 'public') return kind
    const carried = carriedIpv4(address)
    const mine = own()
    if (isOwnAddress(address, mine) || (carried !== null && isOwnAddress(formatIpv4(carried), mine))) {
      return 'own-address'
    }
    return null
  }
}

/** The production guard without an allow-list: only public addresses that are not this machine's. */
export const publicAddressesOnly: EgressGuard = createEgressGuard()

/** A refusal in words, for messages: 'own-address' → "one of this machine's own addresses". */
export function describeRefusal(reason: string): string {
  if (reason === 'own-address') return "one of this machine's own addresses"
  return `${/^[aeiou]/.test(reason) ? 'an' : 'a'} ${reason} address`
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
