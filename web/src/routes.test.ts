import assert from 'node:assert/strict'
import { test } from 'node:test'
import { comparePath, historyPath, matchRoute, testPath } from './routes.ts'

test('the route table matches each page and reads its parameters', () => {
  assert.deepEqual(matchRoute('/', ''), { name: 'home' })
  assert.deepEqual(matchRoute('/tests/a%20b', ''), { name: 'test', id: 'a b' })
  assert.deepEqual(matchRoute('/history', '?url=https%3A%2F%2Fa.com%2F'), {
    name: 'history',
    url: 'https://a.com/',
  })
  assert.deepEqual(matchRoute('/compare', '?a=1&b=2'), { name: 'compare', a: '1', b: '2' })
  assert.deepEqual(matchRoute('/nope', ''), { name: 'not_found', path: '/nope' })
})

test('paths built by the helpers match back to their route', () => {
  assert.deepEqual(matchRoute(testPath('x/y'), ''), { name: 'test', id: 'x/y' })
  const [path, search] = historyPath('https://a.com/?q=1&r=2').split('?')
  assert.deepEqual(matchRoute(path ?? '', `?${search}`), { name: 'history', url: 'https://a.com/?q=1&r=2' })
  const [cp, cs] = comparePath('a&1', 'b').split('?')
  assert.deepEqual(matchRoute(cp ?? '', `?${cs}`), { name: 'compare', a: 'a&1', b: 'b' })
})
