import assert from 'node:assert/strict'
import { test } from 'node:test'
import { highlightBox } from './highlight.ts'

const viewport = { width: 1350, height: 940 }

test('an element inside the viewport: its box in percent of the viewport', () => {
  assert.deepEqual(highlightBox({ x: 100, y: 150, width: 600, height: 300 }, viewport), {
    left: 7.41,
    top: 15.96,
    width: 44.44,
    height: 31.91,
  })
})

test('the part below the fold is cut off; an element wholly below it has no outline', () => {
  assert.deepEqual(highlightBox({ x: 0, y: 640, width: 1350, height: 675 }, viewport), {
    left: 0,
    top: 68.09,
    width: 100,
    height: 31.91,
  })
  assert.equal(highlightBox({ x: 0, y: 1000, width: 100, height: 100 }, viewport), null)
  assert.equal(highlightBox({ x: 0, y: 0, width: 10, height: 10 }, { width: 0, height: 0 }), null)
})
