import assert from 'node:assert/strict'
import { it } from 'node:test'
import { lighthouseRating, lighthouseScore, lighthouseText } from './lighthouse.ts'

it("rates a Lighthouse score on Lighthouse's bands, out of 100", () => {
  assert.equal(lighthouseScore(0.974), 97)
  assert.deepEqual([1, 0.9, 0.895, 0.89, 0.5, 0.49, 0].map(lighthouseRating), [
    'good',
    'good',
    'good',
    'needs-improvement',
    'needs-improvement',
    'poor',
    'poor',
  ])
  assert.equal(lighthouseText(0.42), '42 (Poor)')
  assert.equal(lighthouseText(null), '—')
})
