import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { METRIC_AUDITS, summarizeLighthouse } from './lighthouse-summary.ts'

/** A real report: Lighthouse 12.2.3, desktop, provided throttling, on the fixture site's /rich page (screenshot emptied). */
const STORED = new URL('../../test/fixtures/lighthouse/rich-desktop.lhr.json', import.meta.url)
const stored = (): Record<string, unknown> & { audits: Record<string, Record<string, unknown>> } =>
  JSON.parse(readFileSync(STORED, 'utf8'))

describe('summarizeLighthouse', () => {
  it('reads the score, the metric audits and the failing opportunities of a stored report', () => {
    const lhr = stored()
    const summary = summarizeLighthouse(lhr)
    assert.ok(summary)
    assert.equal(summary.lighthouseVersion, '12.2.3')
    assert.equal(summary.performance, 1)
    assert.equal(summary.runtimeError, null)
    assert.deepEqual(Object.keys(summary.audits).sort(), [...METRIC_AUDITS].sort())
    assert.deepEqual(summary.audits['largest-contentful-paint'], {
      score: 1,
      numericValue: 260.988,
      displayValue: '0.3\u00a0s', // Lighthouse puts a no-break space before the unit
    })
    // Three audits fail with a byte saving; passed ones (score 1) are not opportunities.
    assert.deepEqual(
      summary.opportunities.map((o) => [o.id, o.savingsBytes]),
      [
        ['modern-image-formats', 142079.3],
        ['uses-text-compression', 3831],
        ['unminified-javascript', 2103],
      ],
    )
    assert.equal(summary.opportunities[0]?.title, 'Serve images in next-gen formats')
    assert.equal(summary.opportunities[0]?.displayValue, 'Potential savings of 139\u00a0KiB')
  })

  it('puts time saved before bytes saved, and keeps only the top ones', () => {
    const lhr = stored()
    const blocking = lhr.audits['unused-css-rules'] as { score: number; details: Record<string, unknown> }
    blocking.score = 0
    blocking.details.overallSavingsMs = 450
    blocking.details.overallSavingsBytes = 10
    const summary = summarizeLighthouse(lhr, 2)
    assert.deepEqual(
      summary?.opportunities.map((o) => [o.id, o.savingsMs]),
      [
        ['unused-css-rules', 450],
        ['modern-image-formats', 0],
      ],
    )
  })

  it('reports a runtime error, and scores nothing it cannot read', () => {
    const lhr = stored()
    lhr.runtimeError = { code: 'NO_FCP', message: 'The page did not paint any content.' }
    ;(lhr.categories as Record<string, Record<string, unknown>>).performance!.score = null
    const summary = summarizeLighthouse(lhr)
    assert.deepEqual(summary?.runtimeError, {
      code: 'NO_FCP',
      message: 'The page did not paint any content.',
    })
    assert.equal(summary?.performance, null)

    assert.equal(summarizeLighthouse(null), null)
    assert.equal(summarizeLighthouse([]), null)
    assert.equal(
      summarizeLighthouse({ audits: {}, categories: {} }),
      null,
      'no version: not a Lighthouse result',
    )
    const odd = summarizeLighthouse({
      lighthouseVersion: '12.2.3',
      categories: { performance: { score: 7 } },
      audits: { 'largest-contentful-paint': { score: 'high', numericValue: Number.NaN }, x: 1 },
    })
    assert.equal(odd?.performance, null, 'a score outside 0..1 is no score')
    assert.deepEqual(odd?.audits['largest-contentful-paint'], {
      score: null,
      numericValue: null,
      displayValue: null,
    })
    assert.deepEqual(odd?.opportunities, [])
  })
})
