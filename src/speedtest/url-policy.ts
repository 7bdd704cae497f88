/**
 * URL policy: what a user may ask us to load. A speed tester is a machine that fetches
 * any URL on request, so without a policy it is a way into the network it runs in
 * (cloud metadata at 169.254.169.254, the database on 10.0.0.5). We normalise what
 * people type, then refuse targets that resolve to loopback, private, link-local,
 * shared or metadata addresses — after DNS, because a public name can point inward.
 *
 *   normalizeUrl(' example.com/a ')        // → 'https://example.com/a'
 *   await checkTarget(new URL('http://127.0.0.1/'), { allowPrivate: false })
 *   // → { code: 'blocked_address', message: '127.0.0.1 is a loopback address…' }
 *
 * `WPS_ALLOW_PRIVATE=1` lifts the address check, for tests and intranets;
 * `WPS_ALLOW_TARGETS` allows private targets one by one (src/net/allow-targets.ts), with
 * the very rules the egress proxy applies to every connection (src/net/egress-guard.ts):
 *
 *   await checkTarget(new URL('http://10.1.2.3:8080/'), { allowPrivate: false, allowTargets })  // null
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { AllowTarget } from '../net/allow-targets.ts'
import { createEgressGuard, describeRefusal } from '../net/egress-guard.ts'

export interface PolicyError {
  code: 'invalid_url' | 'blocked_address'
  message: string
}

export type Normalized = { ok: true; url: URL } | { ok: false; error: PolicyError }

const invalid = (message: string): Normalized => ({ ok: false, error: { code: 'invalid_url', message } })

export function normalizeUrl(input: unknown): Normalized {
  if (typeof input !== 'string') return invalid('Give a URL as a string, such as https://example.com.')
  const trimmed = input.trim()
  if (trimmed === '') return invalid('Enter a URL to test, such as https://example.com.')
  if (/\s/.test(trimmed)) return invalid('A URL cannot contain spaces.')
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[^/:]+:\d+(\/|$)/.test(trimmed)
  const candidate = hasScheme ? trimmed : `https://${trimmed.replace(/^\/\//, '')}`
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return invalid(`"${trimmed}" is not a valid URL.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid(`Only http and https URLs can be tested, not ${url.protocol.replace(':', '')}.`)
  }
  if (url.username || url.password) return invalid('URLs with a user name or password are not accepted.')
  const host = url.hostname
  if (host === '') return invalid('The URL has no host name.')
  const bareHost = host.replace(/^\[|\]$/g, '')
  if (
    !isIP(bareHost) &&
    host !== 'localhost' &&
    !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*\.?$/i.test(host)
  ) {
    return invalid(`"${host}" is not a real host name (expected something like example.com).`)
  }
  url.hash = ''
  return { ok: true, url }
}

export interface TargetCheckOptions {
  allowPrivate: boolean
  /** WPS_ALLOW_TARGETS, parsed: private targets allowed one by one. */
  allowTargets?: readonly AllowTarget[]
  /** Injected for tests of the resolution step; defaults to the system resolver. */
  resolve?: (host: string) => Promise<string[]>
}

const systemResolve = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address)

/**
 * Resolves the host and refuses it when the egress guard would refuse any of its
 * addresses (not public, this machine's own, not allowed by WPS_ALLOW_TARGETS). Returns null
 * when the target may be loaded. A name that does not resolve is allowed through: the
 * browser will report it as `dns_failure`, which is the honest result for the user.
 */
export async function checkTarget(url: URL, options: TargetCheckOptions): Promise<PolicyError | null> {
  if (options.allowPrivate) return null
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  if (isIP(host)) addresses = [host]
  else {
    try {
      addresses = await (options.resolve ?? systemResolve)(host)
    } catch {
      return null
    }
  }
  const guard = createEgressGuard({ allowTargets: options.allowTargets ?? [] })
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  for (const address of addresses) {
    const refused = guard(address, port)
    if (refused !== null) {
      const shown = address === host ? address : `${host} resolves to ${address}, which`
      return {
        code: 'blocked_address',
        message: `${shown} is ${describeRefusal(refused)}; only public addresses can be tested.`,
      }
    }
  }
  return null
}
