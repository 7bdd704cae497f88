import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeJson, JsonText, jsonCopy } from './json-text.ts'

describe('JsonText', () => {
  it('is encoded as its own text, any other value with JSON.stringify', () => {
    assert.equal(encodeJson(new JsonText('{"a":1}')), '{"a":1}')
    assert.equal(encodeJson({ a: [1, 'x'] }), '{"a":[1,"x"]}')
    assert.equal(encodeJson(undefined), undefined)
  })

  it('copies as what the other side of the wire would get', () => {
    const original = { at: new Date(0), skip: undefined, keep: 1 }
    assert.deepEqual(jsonCopy(original), { at: '1970-01-01T00:00:00.000Z', keep: 1 })
    assert.deepEqual(jsonCopy(new JsonText('[1,{"b":true}]')), [1, { b: true }])
    assert.equal(jsonCopy(undefined), undefined)
  })

  it('throws on text that is not JSON, rather than passing it on', () => {
    assert.throws(() => jsonCopy(new JsonText('{nope')), SyntaxError)
  })
})
