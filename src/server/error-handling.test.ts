import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FastifySchemaValidationError } from 'fastify'
import { describeValidation } from './error-handling.ts'

const issue = (
  instancePath: string,
  keyword: string,
  params: Record<string, unknown> = {},
  message = 'must be string',
): FastifySchemaValidationError => ({ instancePath, keyword, params, message, schemaPath: '#' })

describe('describeValidation', () => {
  it('calls any problem with url an invalid URL', () => {
    assert.equal(describeValidation([issue('/url', 'type')], 'body').code, 'invalid_url')
    const missing = describeValidation([issue('', 'required', { missingProperty: 'url' })], 'body')
    assert.deepEqual(missing, { code: 'invalid_url', message: 'Enter a URL to test: "url" is missing.' })
    // url wins when several fields are wrong.
    assert.equal(
      describeValidation([issue('/runs', 'type'), issue('/url', 'type')], 'body').code,
      'invalid_url',
    )
  })

  it('words the other known fields, and names the path of the rest', () => {
    assert.deepEqual(describeValidation([issue('/runs', 'maximum')], 'body'), {
      code: 'bad_request',
      message: '"runs" must be a whole number from 1 to 5.',
    })
    assert.equal(describeValidation([issue('/regions/0', 'type')], 'body').code, 'unknown_region')
    assert.deepEqual(describeValidation([issue('/limit', 'type', {}, 'must be integer')], 'querystring'), {
      code: 'bad_request',
      message: '"limit" must be integer.',
    })
    assert.deepEqual(describeValidation([issue('', 'type', {}, 'must be object')], 'body'), {
      code: 'bad_request',
      message: 'the body must be object.',
    })
  })
})
