/**
 * The browsers' way out, set up on the machine that runs them — the runner — from the
 * policy the node puts in each task's input:
 *
 *   { allowPrivate: false, latencyMs: 0 }    // production: refuse non-public addresses
 *   { allowPrivate: true,  latencyMs: 238 }  // wps dev "from Sydney": delay, refuse nothing
 *   { allowPrivate: false, latencyMs: 0, allowTargets: ['10.1.2.0/24'] }  // WPS_ALLOW_TARGETS
 *
 * One proxy on the runner's 127.0.0.1 that every connection of every page crosses.
 * Unless private targets are allowed it refuses any upstream whose resolved address is
 * not public or is the runner machine's own, but for those `allowTargets` names (never a
 * metadata address, src/net/egress-guard.ts) — redirects and subresources included, which the URL policy (the typed URL
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
import { AllowTargetsError, parseAllowTargets } from '../net/allow-targets.ts'
import { createEgressGuard } from '../net/egress-guard.ts'

export interface EgressPolicy {
  /** Allow loopback, private, link-local… targets (tests, intranets). */
  allowPrivate: boolean
  /** Round-trip time to add to every connection (latency emulator), 0 = none. */
  latencyMs: number
  /**
   * WPS_ALLOW_TARGETS entries as written (`10.1.2.0/24`, `127.0.0.1:8080`): text, so the
   * policy crosses process and network boundaries as plain data; the runner parses them.
   */
  allowTargets?: readonly string[]
  /** Bandwidth per connection, kbit/s, towards the browser and towards the target (connectivity.ts); unset = unlimited. */
  downKbps?: number
  upKbps?: number
}

/** A key naming a policy, for a runner resource. */
export function egressKey(policy: EgressPolicy): string {
  const allowed = policy.allowTargets?.length ? `:${policy.allowTargets.join(',')}` : ''
  const narrow = policy.downKbps || policy.upKbps ? `:${policy.downKbps ?? 0}/${policy.upKbps ?? 0}kbps` : ''
  return `egress:${policy.allowPrivate ? 'any' : 'public'}:${Math.max(0, policy.latencyMs)}${narrow}${allowed}`
}

export function startEgressProxy(policy: EgressPolicy): ReturnType<typeof startLatencyProxy> {
  return startLatencyProxy({
    rttMs: Math.max(0, policy.latencyMs),
    ...(policy.downKbps ? { downKbps: policy.downKbps } : {}),
    ...(policy.upKbps ? { upKbps: policy.upKbps } : {}),
    ...(policy.allowPrivate
      ? {}
      : { guard: createEgressGuard({ allowTargets: parseAllowTargets(policy.allowTargets?.join(',')) }) }),
  })
}

/** Check a policy that crossed a process boundary. */
export function parseEgressPolicy(value: unknown): EgressPolicy | null {
  if (typeof value !== 'object' || value === null) return null
  const allowPrivate = Reflect.get(value, 'allowPrivate')
  const latencyMs = Reflect.get(value, 'latencyMs')
  if (typeof allowPrivate !== 'boolean' || typeof latencyMs !== 'number' || !(latencyMs >= 0)) return null
  const bandwidth: Pick<EgressPolicy, 'downKbps' | 'upKbps'> = {}
  for (const key of ['downKbps', 'upKbps'] as const) {
    const kbps: unknown = Reflect.get(value, key)
    if (kbps === undefined) continue
    if (typeof kbps !== 'number' || !Number.isFinite(kbps) || kbps < 0) return null
    bandwidth[key] = kbps
  }
  const allowTargets: unknown = Reflect.get(value, 'allowTargets')
  if (allowTargets === undefined) return { allowPrivate, latencyMs, ...bandwidth }
  if (!Array.isArray(allowTargets) || !allowTargets.every((entry) => typeof entry === 'string')) return null
  try {
    parseAllowTargets(allowTargets.join(','))
  } catch (error) {
    if (error instanceof AllowTargetsError) return null
    throw error
  }
  return { allowPrivate, latencyMs, allowTargets, ...bandwidth }
}
