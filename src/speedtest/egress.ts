/**
 * The browsers' way out, set up on the machine that runs them — the runner — from the
 * policy the node puts in each task's input:
 *
 *   { allowPrivate: false, latencyMs: 0 }    // production: refuse non-public addresses
 *   { allowPrivate: true,  latencyMs: 238 }  // wps dev "from Sydney": delay, refuse nothing
 *
 * One proxy on the runner's 127.0.0.1 that every connection of every page crosses.
 * Unless private targets are allowed it refuses any upstream whose resolved address is
 * not public — redirects and subresources included, which the URL policy (the typed URL
 * only) cannot see. It also emulates `latencyMs` (0: no delay). There is always one,
 * also with private targets allowed: the proxy does the DNS lookups of the page's
 * names, so the browser never resolves anything itself. A runner on a machine of its
 * own (Fly, Kubernetes) thus guards and delays its own traffic; nothing on the node's
 * loopback is needed.
 *
 *   const proxy = await startEgressProxy({ allowPrivate: false, latencyMs: 0 })
 *   await BrowserHost.launch({ proxyServer: proxy.url })
 */
import { startLatencyProxy } from '../latency/proxy.ts'
import { publicAddressesOnly } from '../net/egress-guard.ts'

export interface EgressPolicy {
  /** Allow loopback, private, link-local… targets (tests, intranets). */
  allowPrivate: boolean
  /** Round-trip time to add to every connection (latency emulator), 0 = none. */
  latencyMs: number
}

/** A key naming a policy, for a runner resource. */
export function egressKey(policy: EgressPolicy): string {
  return `egress:${policy.allowPrivate ? 'any' : 'public'}:${Math.max(0, policy.latencyMs)}`
}

export function startEgressProxy(policy: EgressPolicy): ReturnType<typeof startLatencyProxy> {
  return startLatencyProxy({
    rttMs: Math.max(0, policy.latencyMs),
    ...(policy.allowPrivate ? {} : { guard: publicAddressesOnly }),
  })
}

/** Check a policy that crossed a process boundary. */
export function parseEgressPolicy(value: unknown): EgressPolicy | null {
  if (typeof value !== 'object' || value === null) return null
  const allowPrivate = Reflect.get(value, 'allowPrivate')
  const latencyMs = Reflect.get(value, 'latencyMs')
  if (typeof allowPrivate !== 'boolean' || typeof latencyMs !== 'number' || !(latencyMs >= 0)) return null
  return { allowPrivate, latencyMs }
}
