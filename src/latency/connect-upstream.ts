/**
 * How the proxy opens a connection to a target, with the egress guard in the way: the
 * host name is resolved here (dns.lookup, as net.connect would), the guard judges every
 * resulting address, and the socket connects only to those very addresses — the name is
 * never resolved a second time, where it could point elsewhere (DNS rebinding). Without
 * a guard it is a plain `net.connect` to the name, as before.
 *
 *   connectUpstream('example.com', 443, publicAddressesOnly, (error, socket) => { … })
 *   // refused: error.code === 'EBLOCKED:private:10.0.0.5' and no connection is attempted
 */
import { type LookupAddress, lookup } from 'node:dns'
import net from 'node:net'
import { blockedCode, type EgressGuard } from '../net/egress-guard.ts'

export type UpstreamCallback = (error: NodeJS.ErrnoException | null, socket?: net.Socket) => void

export function connectUpstream(
  host: string,
  port: number,
  guard: EgressGuard | undefined,
  callback: UpstreamCallback,
): void {
  if (!guard) {
    callback(null, net.connect({ host, port, noDelay: true }))
    return
  }
  lookup(host, { all: true }, (error, addresses) => {
    if (error || addresses.length === 0) {
      callback(error ?? Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }))
      return
    }
    // Every address must pass, as in the URL policy: a name with one public and one
    // private address would otherwise be a coin toss away from the inside.
    for (const { address } of addresses) {
      const refused = guard(address, port)
      if (refused !== null) {
        const blocked: NodeJS.ErrnoException = new Error(`${host} (${address}) is refused: ${refused}`)
        blocked.code = blockedCode(refused, address)
        callback(blocked)
        return
      }
    }
    // Connect to exactly the addresses judged (net.connect still tries them in turn, IPv6/IPv4).
    const checked: net.LookupFunction = (_name, options, answer) => {
      if (options.all) (answer as (e: null, all: LookupAddress[]) => void)(null, addresses)
      else answer(null, addresses[0]!.address, addresses[0]!.family)
    }
    callback(null, net.connect({ host, port, noDelay: true, lookup: checked }))
  })
}
