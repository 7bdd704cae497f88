import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkUrl } from './url.ts'

test('an empty input asks for a URL', () => {
  assert.deepEqual(checkUrl('   '), { ok: false, message: 'Enter a URL to test.' })
})

test('a bare host is taken as https', () => {
  assert.deepEqual(checkUrl(' example.com '), { ok: true, url: 'https://example.com/' })
  assert.deepEqual(checkUrl('localhost:8080/a'), { ok: true, url: 'https://localhost:8080/a' })
})

test('http and https URLs pass unchanged apart from normalisation', () => {
  assert.deepEqual(checkUrl('http://127.0.0.1:5173/rich'), { ok: true, url: 'http://127.0.0.1:5173/rich' })
  assert.deepEqual(checkUrl('HTTPS://Example.com'), { ok: true, url: 'https://example.com/' })
})

test('obviously bad URLs are refused with a reason', () => {
  for (const bad of ['http://', 'https://exa mple.com', 'http://exa mple.com']) {
    const result = checkUrl(bad)
    assert.equal(result.ok, false, bad)
  }
  assert.deepEqual(checkUrl('ftp://x'), {
    ok: false,
    message: 'Only http:// and https:// URLs can be tested.',
  })
  assert.deepEqual(checkUrl('javascript:alert(1)'), {
    ok: false,
    message: 'Only http:// and https:// URLs can be tested.',
  })
})
