/**
 * The networks a test can be run over, with WebPageTest's figures: the round trip the
 * last mile adds and its bandwidth down and up. They are enforced on the runner's egress
 * proxy (src/latency/: a delay and a narrow wire per connection), not by CDP throttling,
 * which Lighthouse's own docs call the less accurate way.
 *
 *   connectivityProfile('3g')   // → { name: '3g', rttMs: 300, downKbps: 1600, upKbps: 768 }
 *   withConnectivity({ allowPrivate: false, latencyMs: 80 }, connectivityProfile('3g'))
 *                               // → { allowPrivate: false, latencyMs: 380, downKbps: 1600, upKbps: 768 }
 *
 * `native` adds nothing: the runner's own network (and the region's emulated latency, if any).
 */
import type { EgressPolicy } from './egress.ts'

export const CONNECTIVITY_NAMES = ['native', 'cable', '4g', '3g', '3g-slow'] as const
export type ConnectivityName = (typeof CONNECTIVITY_NAMES)[number]

export interface Connectivity {
  name: ConnectivityName
  /** Round trip added to every connection, ms (0 = none). */
  rttMs: number
  /** Bandwidth per connection, kbit/s (0 = not limited). */
  downKbps: number
  upKbps: number
}

// WebPageTest's connectivity profiles (its "Cable", "4G", "3G" and "3G Slow").
const PROFILES: Readonly<Record<ConnectivityName, Connectivity>> = {
  native: { name: 'native', rttMs: 0, downKbps: 0, upKbps: 0 },
  cable: { name: 'cable', rttMs: 28, downKbps: 5000, upKbps: 1000 },
  '4g': { name: '4g', rttMs: 170, downKbps: 9000, upKbps: 9000 },
  '3g': { name: '3g', rttMs: 300, downKbps: 1600, upKbps: 768 },
  '3g-slow': { name: '3g-slow', rttMs: 400, downKbps: 400, upKbps: 400 },
}

export function isConnectivityName(value: unknown): value is ConnectivityName {
  return typeof value === 'string' && (CONNECTIVITY_NAMES as readonly string[]).includes(value)
}

export function connectivityProfile(name: ConnectivityName): Connectivity {
  return { ...PROFILES[name] }
}

/** The egress policy of one test: the node's policy with the profile's last mile on top. */
export function withConnectivity(policy: EgressPolicy, connectivity: Connectivity): EgressPolicy {
  if (connectivity.name === 'native') return policy
  return {
    ...policy,
    latencyMs: Math.max(0, policy.latencyMs) + connectivity.rttMs,
    downKbps: connectivity.downKbps,
    upKbps: connectivity.upKbps,
  }
}
