/**
 * Which part of the address space an IP belongs to, after the IANA IPv4 and IPv6
 * Special-Purpose Address Registries: shared by the URL policy (the URL a user typed,
 * src/speedtest/url-policy.ts) and the browser's egress guard (every connection the
 * page makes, src/net/egress-guard.ts). Only `public` may be fetched by default.
 *
 *   classifyAddress('10.1.2.3')            // 'private'
 *   classifyAddress('203.0.113.7')         // 'documentation'
 *   classifyAddress('::127.0.0.1')         // 'loopback'  (IPv4-compatible: the IPv4 it carries)
 *   classifyAddress('2002:a00:5::1')       // 'private'   (6to4 of 10.0.0.5)
 *   classifyAddress('64:ff9b::a9fe:a9fe')  // 'metadata'  (NAT64 of 169.254.169.254)
 *   classifyAddress('93.184.216.34')       // 'public'
 *
 * The longest matching block wins, so an exception inside a block (the TURN anycast
 * 192.0.0.10 inside the protocol-assignment block 192.0.0.0/24) is a row of its own.
 * IPv6 forms that carry an IPv4 address — mapped `::ffff:0:0/96`, SIIT-translated
 * `::ffff:0:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`,
 * Teredo `2001::/32` — are classified by the IPv4 they carry, because that is where a
 * connection to them ends up. IPv6 outside 2000::/3 that no row names is `reserved`:
 * IANA has allocated global unicast only there.
 *
 * Besides the registries, well-known cloud metadata endpoints are `metadata`, the class a
 * deploy must never reach (WPS_ALLOW_TARGETS cannot allow them, see egress-guard.ts).
 */
import { type Cidr, cidr, inCidr, parseIp } from './ip.ts'

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'site-local'
  | 'metadata'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'protocol-assignment'
  | 'translation'
  | 'discard'
  | 'orchid'
  | 'reserved'

type Carried = (value: bigint) => bigint[]

interface Row {
  block: Cidr
  kind: AddressClass | Carried
}

const low32: Carried = (value) => [value & 0xffffffffn]
// 2002:AABB:CCDD::/48 carries AA.BB.CC.DD in bits 16–47.
const sixToFour: Carried = (value) => [(value >> 80n) & 0xffffffffn]
// 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: the server's IPv4, then the client's with every bit inverted.
const teredo: Carried = (value) => [~value & 0xffffffffn, (value >> 64n) & 0xffffffffn]

const rows = (list: Array<[string, AddressClass | Carried]>): Row[] =>
  list
    .map(([text, kind]) => ({ block: cidr(text), kind }))
    // Longest prefix first: the first row that matches is the most specific one.
    .sort((a, b) => b.block.bits - a.block.bits)

/** IANA IPv4 Special-Purpose Address Registry, plus multicast, broadcast and cloud metadata. */
const V4 = rows([
  ['0.0.0.0/8', 'unspecified'], // "this network", RFC 791; 0.0.0.0/32 "this host"
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'shared'], // carrier-grade NAT, RFC 6598
  ['127.0.0.0/8', 'loopback'], // RFC 1122
  ['169.254.0.0/16', 'link-local'], // RFC 3927
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'protocol-assignment'], // RFC 6890 (DS-Lite 192.0.0.0/29, dummy .8, NAT64 discovery .170/.171)
  ['192.0.0.9/32', 'public'], // Port Control Protocol anycast, globally reachable (RFC 7723)
  ['192.0.0.10/32', 'public'], // TURN anycast, globally reachable (RFC 8155)
  ['192.0.2.0/24', 'documentation'], // TEST-NET-1, RFC 5737
  ['192.88.99.0/24', 'reserved'], // the 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'], // RFC 2544
  ['198.51.100.0/24', 'documentation'], // TEST-NET-2
  ['203.0.113.0/24', 'documentation'], // TEST-NET-3
  ['224.0.0.0/4', 'multicast'], // RFC 5771
  ['240.0.0.0/4', 'reserved'], // RFC 1112
  ['255.255.255.255/32', 'broadcast'], // limited broadcast, RFC 919
  // Cloud metadata: AWS, GCP, Azure, OpenStack, DigitalOcean… (and AWS ECS task metadata).
  ['169.254.169.254/32', 'metadata'],
  ['169.254.170.2/32', 'metadata'],
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['192.0.0.192/32', 'metadata'], // Oracle Cloud
  ['168.63.129.16/32', 'metadata'], // Azure's wire server: a public address that answers only inside Azure
])

/** IANA IPv6 Special-Purpose Address Registry, plus the deprecated blocks still routed by some stacks. */
const V6 = rows([
  ['::/0', 'reserved'], // not 2000::/3 and named by no row: not allocated for global unicast
  ['2000::/3', 'public'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', low32], // IPv4-compatible, deprecated (RFC 4291 §2.5.5.1)
  ['::ffff:0:0/96', low32], // IPv4-mapped
  ['::ffff:0:0:0/96', low32], // IPv4-translated (SIIT, RFC 2765)
  ['64:ff9b::/96', low32], // NAT64 well-known prefix (RFC 6052)
  ['64:ff9b:1::/48', 'translation'], // local-use IPv4/IPv6 translation (RFC 8215)
  ['100::/64', 'discard'], // discard-only (RFC 6666)
  ['100:0:0:1::/64', 'reserved'], // dummy IPv6 prefix (RFC 9780)
  ['2001::/23', 'protocol-assignment'], // IETF protocol assignments (RFC 2928)
  ['2001::/32', teredo], // RFC 4380
  ['2001:1::1/128', 'public'], // Port Control Protocol anycast
  ['2001:1::2/128', 'public'], // TURN anycast
  ['2001:1::3/128', 'public'], // DNS-SD service registration anycast
  ['2001:2::/48', 'benchmarking'], // RFC 5180
  ['2001:3::/32', 'public'], // AMT (RFC 7450)
  ['2001:4:112::/48', 'public'], // AS112-v6
  ['2001:10::/28', 'orchid'], // ORCHID, deprecated (RFC 4843)
  ['2001:20::/28', 'orchid'], // ORCHIDv2: identifiers, "not routable at the IP layer" (RFC 7343)
  ['2001:30::/28', 'public'], // drone remote ID (RFC 9374)
  ['2001:db8::/32', 'documentation'], // RFC 3849
  ['2002::/16', sixToFour], // RFC 3056
  ['3fff::/20', 'documentation'], // RFC 9637
  ['5f00::/16', 'reserved'], // SRv6 SIDs (RFC 9602)
  ['fc00::/7', 'private'], // unique local (RFC 4193)
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'], // deprecated (RFC 3879), still a private scope where configured
  ['ff00::/8', 'multicast'],
  ['fd00:ec2::254/128', 'metadata'], // AWS's IPv6 metadata endpoint
])

function lookup(table: Row[], version: 4 | 6, value: bigint): AddressClass {
  for (const row of table) {
    if (!inCidr({ version, value }, row.block)) continue
    if (typeof row.kind === 'string') return row.kind
    // Every IPv4 it carries must be public; otherwise the first one that is not names the class.
    const classes = row.kind(value).map((v4) => lookup(V4, 4, v4))
    return classes.find((kind) => kind !== 'public') ?? 'public'
  }
  return version === 4 ? 'public' : 'reserved'
}

/** The class of an IP literal; anything that is not one is `reserved` (never fetched). */
export function classifyAddress(text: string): AddressClass {
  const ip = parseIp(text)
  if (!ip) return 'reserved'
  return ip.version === 4 ? lookup(V4, 4, ip.value) : lookup(V6, 6, ip.value)
}

/**
 * The IPv4 address an IPv6 one carries and delivers to (mapped, translated, compatible,
 * NAT64, 6to4; Teredo's client), or null. The allow-list uses it so that an entry for
 * 127.0.0.1:8080 is not dodged, nor widened, by spelling the address as ::ffff:127.0.0.1.
 */
export function carriedIpv4(text: string): bigint | null {
  const ip = parseIp(text)
  if (ip?.version !== 6) return null
  for (const row of V6) {
    if (!inCidr(ip, row.block)) continue
    return typeof row.kind === 'string' ? null : (row.kind(ip.value)[0] ?? null)
  }
  return null
}
