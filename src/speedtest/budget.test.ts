import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Budget, evaluateBudget, limitsFor, parseBudget } from './budget.ts'

const metrics = { ttfb: 120, fcp: 800, lcp: 3100, cls: 0.02, tbt: 0, domContentLoaded: 900, load: 1500 }
const row = (
  region: string,
  extra: Partial<{ requests: number | null; transferBytes: number | null }> = {},
) => ({
  region,
  metrics,
  requests: 14,
  transferBytes: 250_000,
  ...extra,
})

function parsed(input: unknown): Budget {
  const result = parseBudget(input)
  assert.ok(result.ok, result.ok ? '' : result.message)
  return result.budget
}

describe('parseBudget', () => {
  it('accepts the documented shape', () => {
    const budget = parsed({
      metrics: { lcp: 2500, cls: 0.1, ttfb: 800 },
      requests: 120,
      transferBytes: 3_000_000,
      regions: { syd: { metrics: { lcp: 4000 } } },
    })
    assert.deepEqual(budget.regions, { syd: { metrics: { lcp: 4000 } } })
    assert.equal(budget.requests, 120)
  })

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /must be a JSON object/],
    ['unknown field', { metric: { lcp: 1 } }, /"metric" is not a budget field/],
    ['unknown metric', { metrics: { lcpp: 1 } }, /"metrics.lcpp" is not a metric/],
    ['string limit', { metrics: { lcp: '2500' } }, /"metrics.lcp" must be a number ≥ 0/],
    ['negative limit', { requests: -1 }, /"requests" must be a number ≥ 0/],
    ['nested regions', { regions: { syd: { regions: {} } } }, /"regions.syd.regions" is not a budget field/],
    ['region not an object', { regions: { syd: 4000 } }, /"regions.syd" must be a JSON object/],
    ['no limit at all', { metrics: {} }, /sets no limit/],
  ]
  for (const [name, input, message] of bad) {
    it(`refuses ${name}`, () => {
      const result = parseBudget(input)
      assert.equal(result.ok, false)
      if (!result.ok) assert.match(result.message, message)
    })
  }
})

describe('evaluateBudget', () => {
  const budget = parsed({
    metrics: { lcp: 2500, cls: 0.1 },
    requests: 10,
    regions: { syd: { metrics: { lcp: 4000 }, requests: 20 } },
  })

  it('fails each limit the row exceeds, with value and limit', () => {
    const verdict = evaluateBudget(budget, row('ord'))
    assert.equal(verdict.passed, false)
    assert.deepEqual(verdict.checks, [
      { metric: 'lcp', value: 3100, limit: 2500, passed: false },
      { metric: 'cls', value: 0.02, limit: 0.1, passed: true },
      { metric: 'requests', value: 14, limit: 10, passed: false },
    ])
  })

  it("uses a region's own limits over the defaults", () => {
    assert.deepEqual(limitsFor(budget, 'syd'), { metrics: { lcp: 4000, cls: 0.1 }, requests: 20 })
    const verdict = evaluateBudget(budget, row('syd'))
    assert.equal(verdict.passed, true)
    assert.deepEqual(
      verdict.checks.map((c) => [c.metric, c.limit, c.passed]),
      [
        ['lcp', 4000, true],
        ['cls', 0.1, true],
        ['requests', 20, true],
      ],
    )
  })

  it('passes a value equal to its limit (limits are maxima)', () => {
    const verdict = evaluateBudget(parsed({ metrics: { lcp: 3100 } }), row('ord'))
    assert.deepEqual(verdict, {
      passed: true,
      checks: [{ metric: 'lcp', value: 3100, limit: 3100, passed: true }],
    })
  })

  it('fails a limit the row has no number for', () => {
    const verdict = evaluateBudget(parsed({ transferBytes: 1e6, metrics: { speedIndex: 2000 } }), {
      ...row('ord'),
      transferBytes: null,
    })
    assert.deepEqual(verdict.checks, [
      { metric: 'speedIndex', value: null, limit: 2000, passed: false },
      { metric: 'transferBytes', value: null, limit: 1e6, passed: false },
    ])
  })
})
