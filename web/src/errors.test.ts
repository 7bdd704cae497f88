import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiKeyErrorText, errorTitle, submitErrorText } from './errors.ts'

test('each known error code has a friendly title, unknown ones a generic one', () => {
  assert.equal(errorTitle('dns_failure'), 'Domain not found')
  assert.equal(errorTitle('timeout'), 'Timed out')
  assert.equal(errorTitle('runner_lost'), 'The measuring browser stopped')
  assert.equal(errorTitle('page_unresponsive'), 'Page stopped responding')
  assert.equal(errorTitle('navigation_loop'), 'Navigation loop')
  assert.equal(errorTitle('download'), 'A download, not a page')
  assert.equal(errorTitle('something_new'), 'Failed')
})

test('a rate-limit refusal names the Retry-After seconds', () => {
  assert.equal(
    submitErrorText('rate_limited', 'Too many tests started; try again in 1 minute.', 42),
    'Too many tests started. Try again in 42 s.',
  )
  assert.equal(submitErrorText('rate_limited', '', null), 'Too many tests started. Try again in a moment.')
})

test('other refusals show the server message as is', () => {
  assert.equal(
    submitErrorText('blocked_address', '10.0.0.5 is a private address.', null),
    '10.0.0.5 is a private address.',
  )
})

test('an API key refusal says in plain words whether the key was missing or wrong, without header names', () => {
  assert.match(apiKeyErrorText(false), /needs an API key/)
  assert.match(apiKeyErrorText(true), /did not accept that API key/)
  for (const text of [apiKeyErrorText(false), apiKeyErrorText(true)])
    assert.doesNotMatch(text, /Bearer|Authorization/)
})
