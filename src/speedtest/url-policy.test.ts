import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { classifyAddress } from '../net/address-class.ts'
import { parseAllowTargets } from '../net/allow-targets.ts'
import { checkTarget, normalizeUrl } from './url-policy.ts'

const normalized = (input: unknown) => {
  const result = normalizeUrl(input)
  return result.ok ? result.url.href : result.error.code
}

describe('normalizeUrl', () => {
  it('trims and adds https:// when no scheme is given', () => {
    assert.equal(normalized('  example.com/a?b=1#frag '), 'https://example.com/a?b=1')
    assert.equal(normalized('example.com:8080/x'), 'https://example.com:8080/x')
    assert.equal(normalized('http://Example.COM'), 'http://example.com/')
  })

  it('refuses what is not an http(s) URL with a real host', () => {
    for (const bad of [
      '',
      '   ',
      'ftp://example.com',
      'javascript:alert(1)',
      'http://',
      'not a url',
      'http://foo',
      'http://user:pw@example.com',
      42,
    ]) {
      assert.equal(normalized(bad), 'invalid_url', String(bad))
    }
  })

  it('accepts IP literals and localhost (the address check decides on those)', () => {
    assert.equal(normalized('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/')
    assert.equal(normalized('http://[::1]/'), 'http://[::1]/')
    assert.equal(normalized('localhost:3000'), 'https://localhost:3000/')
  })
})

describe('classifyAddress', () => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['10.2.3.4', 'private'],
    ['172.20.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['93.184.216.34', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
  ]
  for (const [ip, kind] of cases) it(`${ip} is ${kind}`, () => assert.equal(classifyAddress(ip), kind))
})

describe('checkTarget', () => {
  it('blocks loopback and private targets unless allowed', async () => {
    const blocked = await checkTarget(new URL('http://127.0.0.1:9/'), { allowPrivate: false })
    assert.equal(blocked?.code, 'blocked_address')
    assert.match(blocked?.message ?? '', /loopback/)
    assert.equal(await checkTarget(new URL('http://127.0.0.1:9/'), { allowPrivate: true }), null)
  })

  it('checks the addresses a name resolves to, not just the name', async () => {
    const resolve = async () => ['93.184.216.34', '10.0.0.5']
    const blocked = await checkTarget(new URL('https://inward.example/'), { allowPrivate: false, resolve })
    assert.equal(blocked?.code, 'blocked_address')
    assert.match(blocked?.message ?? '', /inward\.example resolves to 10\.0\.0\.5/)
    const ok = await checkTarget(new URL('https://public.example/'), {
      allowPrivate: false,
      resolve: async () => ['93.184.216.34'],
    })
    assert.equal(ok, null)
  })

  it('WPS_ALLOW_TARGETS lets the named address and port through, and nothing else', async () => {
    const allowTargets = parseAllowTargets('127.0.0.1:8080,10.1.2.0/24,169.254.0.0/16')
    const check = (url: string) => checkTarget(new URL(url), { allowPrivate: false, allowTargets })
    assert.equal(await check('http://127.0.0.1:8080/'), null)
    assert.equal(await check('http://[::ffff:127.0.0.1]:8080/'), null)
    assert.match((await check('http://127.0.0.1:8081/'))?.message ?? '', /127\.0\.0\.1 is a loopback address/)
    assert.match((await check('http://127.0.0.1/'))?.message ?? '', /loopback/, 'port 80 is another target')
    assert.equal(await check('https://10.1.2.3/'), null)
    assert.match((await check('https://10.1.3.3/'))?.message ?? '', /private/)
    assert.match((await check('http://169.254.169.254/'))?.message ?? '', /a metadata address/)
  })

  it('names the documentation and embedded-IPv4 ranges the registries list', async () => {
    const check = (url: string) => checkTarget(new URL(url), { allowPrivate: false })
    assert.match((await check('http://203.0.113.5/'))?.message ?? '', /a documentation address/)
    assert.match((await check('http://[::127.0.0.1]/'))?.message ?? '', /a loopback address/)
    assert.match((await check('http://[2002:a00:5::1]/'))?.message ?? '', /a private address/)
  })

  it('resolves localhost through the system resolver and blocks it', async () => {
    const blocked = await checkTarget(new URL('http://localhost/'), { allowPrivate: false })
    assert.equal(blocked?.code, 'blocked_address')
  })
})
