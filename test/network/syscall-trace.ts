/**
 * Reads an `strace -f -e trace=socket,connect,sendto,sendmsg,sendmmsg,close` log and
 * says which network destinations a process tree reached for. Loopback is fine; anything
 * else is a violation — with one exception, named and narrow: Chromium's IPv6
 * reachability check, a UDP `connect()` to 2001:4860:4860::8888 port 443 that sends no
 * datagram (connecting a UDP socket only picks a route; Chromium runs the check before
 * every host resolution, even of an IP literal, and no switch turns it off).
 *
 *   const verdict = judgeTrace(readFileSync('trace.out', 'utf8'))
 *   verdict.violations   // ['connect 10.255.255.53:53 (tcp) by 4242<Chrome_ChildIOT>', …]
 *   verdict.loopback     // connect() calls to loopback addresses
 *   verdict.probes       // reachability checks seen (connect only, nothing sent)
 */

export interface TraceVerdict {
  violations: string[]
  loopback: number
  probes: number
}

interface Call {
  tid: string
  name: string
  args: string
  ret: string
}

interface InetAddress {
  address: string
  port: number
}

const PROBE = { address: '2001:4860:4860::8888', port: 443 }

export function judgeTrace(log: string): TraceVerdict {
  const violations: string[] = []
  let loopback = 0
  let probes = 0
  /** tid → fd → socket type of the socket() that returned it ('dgram' | 'stream' | …). */
  const socketTypes = new Map<string, Map<string, string>>()
  /** tid → fds connected as reachability probes, until closed. */
  const probeFds = new Map<string, Set<string>>()
  const of = <T>(map: Map<string, T>, tid: string, make: () => T): T => {
    let value = map.get(tid)
    if (!value) {
      value = make()
      map.set(tid, value)
    }
    return value
  }

  for (const call of calls(log)) {
    const fd = call.args.split(',')[0]?.trim() ?? ''
    if (call.name === 'socket') {
      if (/^\d+$/.test(call.ret)) {
        const type = /SOCK_(DGRAM|STREAM|RAW|SEQPACKET)/.exec(call.args)?.[1]?.toLowerCase() ?? 'other'
        of(socketTypes, call.tid, () => new Map()).set(call.ret, type)
      }
      continue
    }
    if (call.name === 'close') {
      socketTypes.get(call.tid)?.delete(fd)
      probeFds.get(call.tid)?.delete(fd)
      continue
    }
    const addresses = inetAddresses(call.args)
    if (call.name === 'connect') {
      const target = addresses[0]
      if (!target) continue
      if (isLoopback(target.address)) {
        loopback++
        continue
      }
      const type = socketTypes.get(call.tid)?.get(fd) ?? 'unknown'
      if (type === 'dgram' && target.address === PROBE.address && target.port === PROBE.port) {
        probes++
        of(probeFds, call.tid, () => new Set()).add(fd)
        continue
      }
      violations.push(
        `connect ${show(target)} (${type === 'dgram' ? 'udp' : type === 'stream' ? 'tcp' : type}) by ${call.tid}`,
      )
      continue
    }
    // sendto / sendmsg / sendmmsg: a datagram with a destination, or on a connected socket.
    for (const target of addresses) {
      if (!isLoopback(target.address)) violations.push(`${call.name} to ${show(target)} by ${call.tid}`)
    }
    if (probeFds.get(call.tid)?.has(fd))
      violations.push(`${call.name} on the reachability probe's socket by ${call.tid}`)
  }
  return { violations, loopback, probes }
}

/** Joins `<unfinished ...>` / `<... resumed>` halves (strace -f) into whole calls. */
function* calls(log: string): Generator<Call> {
  const pending = new Map<string, string>()
  for (const line of log.split('\n')) {
    const head = /^(\d+(?:<[^>]*>)?)\s+(.*)$/.exec(line)
    if (!head) continue
    const tid = head[1]!
    let text = head[2]!
    const resumed = /^<\.\.\. \w+ resumed>\s?(.*)$/.exec(text)
    if (resumed) {
      const start = pending.get(tid)
      pending.delete(tid)
      if (start === undefined) continue
      text = start + resumed[1]!
    } else if (text.endsWith('<unfinished ...>')) {
      pending.set(tid, text.slice(0, -'<unfinished ...>'.length))
      continue
    }
    const call = /^(\w+)\((.*)\)\s+=\s+(-?\w+)/.exec(text)
    if (call) yield { tid, name: call[1]!, args: call[2]!, ret: call[3]! }
  }
}

function inetAddresses(args: string): InetAddress[] {
  const found: InetAddress[] = []
  const v4 = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/g
  const v6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"/g
  for (const match of args.matchAll(v4)) found.push({ address: match[2]!, port: Number(match[1]) })
  for (const match of args.matchAll(v6)) found.push({ address: match[2]!, port: Number(match[1]) })
  return found
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address)
}

function show(target: InetAddress): string {
  return target.address.includes(':')
    ? `[${target.address}]:${target.port}`
    : `${target.address}:${target.port}`
}
