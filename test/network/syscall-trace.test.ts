import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { judgeTrace } from './syscall-trace.ts'

// Lines as strace 6 prints them with -f -Y (seen in traces of a measurement).
const PROBE_SOCKET = '9757<Chrome_ChildIOT> socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 22'
const PROBE_CONNECT =
  '9757<Chrome_ChildIOT> connect(22, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)'

describe('judgeTrace', () => {
  it('accepts loopback connections and counts them', () => {
    const verdict = judgeTrace(
      [
        '100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 23',
        '100 connect(23, {sa_family=AF_INET, sin_port=htons(18080), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>',
        '100 <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)',
        '101 connect(5, {sa_family=AF_INET6, sin6_port=htons(4222), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '102 connect(7, {sa_family=AF_UNIX, sun_path="/tmp/x.sock"}, 110) = 0',
      ].join('\n'),
    )
    assert.deepEqual(verdict, { violations: [], loopback: 2, probes: 0 })
  })

  it('flags DNS lookups at the resolver, TCP or UDP', () => {
    const verdict = judgeTrace(
      [
        '200<ThreadPoolForeg> socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 24',
        '200<ThreadPoolForeg> connect(24, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = -1 ENETUNREACH (Network is unreachable)',
      ].join('\n'),
    )
    assert.deepEqual(verdict.violations, ['connect 10.255.255.53:53 (udp) by 200<ThreadPoolForeg>'])
  })

  it('flags a TCP connection anywhere but loopback, even one that failed', () => {
    const verdict = judgeTrace(
      [
        '300 socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 9',
        '300 connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)',
      ].join('\n'),
    )
    assert.deepEqual(verdict.violations, ['connect [2001:4860:4860::8888]:443 (tcp) by 300'])
  })

  it("allows Chromium's IPv6 reachability check only while it sends nothing", () => {
    assert.deepEqual(judgeTrace([PROBE_SOCKET, PROBE_CONNECT].join('\n')), {
      violations: [],
      loopback: 0,
      probes: 1,
    })
    const sent = judgeTrace(
      [
        PROBE_SOCKET,
        PROBE_CONNECT,
        '9757<Chrome_ChildIOT> sendto(22, "x", 1, MSG_NOSIGNAL, NULL, 0) = 1',
      ].join('\n'),
    )
    assert.deepEqual(sent.violations, ["sendto on the reachability probe's socket by 9757<Chrome_ChildIOT>"])
    // The same fd number, closed and reused for an ordinary socket, is not the probe any more.
    const reused = judgeTrace(
      [
        PROBE_SOCKET,
        PROBE_CONNECT,
        '9757<Chrome_ChildIOT> close(22) = 0',
        '9757<Chrome_ChildIOT> socketpair(AF_UNIX, SOCK_SEQPACKET, 0, [22, 23]) = 0',
        '9757<Chrome_ChildIOT> sendmsg(22, {msg_name=NULL, msg_namelen=0}, MSG_NOSIGNAL) = 11',
      ].join('\n'),
    )
    assert.deepEqual(reused.violations, [])
  })

  it('flags datagrams addressed past loopback', () => {
    const verdict = judgeTrace(
      '400 sendto(12, "\\0\\1", 20, 0, {sa_family=AF_INET, sin_port=htons(3478), sin_addr=inet_addr("10.0.0.5")}, 16) = 20',
    )
    assert.deepEqual(verdict.violations, ['sendto to 10.0.0.5:3478 by 400'])
  })
})
