import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { findAll, parseXml } from '../../test/support/xml.ts'
import { evaluateBudget, parseBudget } from '../speedtest/budget.ts'
import { emptyMetrics, type RegionResult, type SpeedTest } from '../speedtest/model.ts'
import { UsageError } from './args.ts'
import { budgetLines, junitXml, readBudgetFile } from './budget-report.ts'
import { exitCodeFor } from './report.ts'

const parsed = parseBudget({
  metrics: { lcp: 2500, cls: 0.1 },
  requests: 20,
  regions: { syd: { metrics: { lcp: 4000 } } },
})
assert.ok(parsed.ok)
const budget = parsed.budget

function row(region: string, lcp: number, cls: number, requests: number | null): RegionResult {
  const base: RegionResult = {
    region,
    node: `node-${region}`,
    status: requests === null ? 'error' : 'complete',
    httpStatus: requests === null ? null : 200,
    finalUrl: null,
    metrics: { ...emptyMetrics(), lcp: requests === null ? null : lcp, cls: requests === null ? null : cls },
    requests,
    transferBytes: null,
    cold: false,
    bootMs: null,
    error: null,
  }
  return { ...base, budget: evaluateBudget(budget, base) }
}

const test = (results: RegionResult[]): SpeedTest => ({
  id: 't1',
  url: 'https://example.com/?a=1&b=<2>',
  createdAt: '2026-12-02T00:00:00.000Z',
  state: 'done',
  results,
})

describe('budget report', () => {
  const failing = test([row('ord', 2400, 0.05, 12), row('syd', 4210, 0.25, 12)])

  it('names every region × limit that failed, with value and limit', () => {
    assert.deepEqual(budgetLines(failing), [
      'Budget: 2 of 6 checks failed',
      '  syd  lcp 4.21 s > 4.00 s',
      '  syd  cls 0.250 > 0.100',
    ])
    assert.equal(exitCodeFor(failing), 1)
  })

  it('says so when every check passed, and the exit code stays 0', () => {
    const passing = test([row('ord', 2400, 0.05, 12), row('syd', 3900, 0.05, 12)])
    assert.deepEqual(budgetLines(passing), ['Budget: all 6 checks passed'])
    assert.equal(exitCodeFor(passing), 0)
  })

  it('prints nothing for a test without a budget', () => {
    const { budget: _none, ...plain } = row('ord', 1, 0, 1)
    assert.deepEqual(budgetLines(test([plain])), [])
  })

  it('writes JUnit XML with a test case per region × limit', () => {
    const xml = parseXml(junitXml(test([...failing.results, row('fra', 0, 0, null)])))
    assert.equal(xml.name, 'testsuites')
    const [suite] = findAll(xml, 'testsuite')
    assert.equal(suite?.attributes.name, 'budget https://example.com/?a=1&b=<2>')
    assert.equal(suite?.attributes.tests, '9')
    assert.equal(suite?.attributes.failures, '5')
    const cases = findAll(xml, 'testcase').map((c) => [
      c.attributes.classname,
      c.attributes.name,
      findAll(c, 'failure')[0]?.attributes.message ?? 'passed',
    ])
    assert.deepEqual(cases, [
      ['ord', 'lcp ≤ 2.50 s', 'passed'],
      ['ord', 'cls ≤ 0.100', 'passed'],
      ['ord', 'requests ≤ 20', 'passed'],
      ['syd', 'lcp ≤ 4.00 s', 'syd: lcp 4.21 s > 4.00 s'],
      ['syd', 'cls ≤ 0.100', 'syd: cls 0.250 > 0.100'],
      ['syd', 'requests ≤ 20', 'passed'],
      ['fra', 'lcp ≤ 2.50 s', 'fra: lcp not measured for 2.50 s'],
      ['fra', 'cls ≤ 0.100', 'fra: cls not measured for 0.100'],
      ['fra', 'requests ≤ 20', 'fra: requests not measured for 20'],
    ])
  })
})

describe('readBudgetFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-budget-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  it('reads a budget', () => {
    assert.deepEqual(readBudgetFile(file('ok.json', '{"requests": 3}')), { requests: 3 })
  })

  const bad: [string, string | null, RegExp][] = [
    ['a missing file', null, /--budget .*missing\.json: no such file\./],
    ['a file that is not JSON', '{"metrics": {', /--budget .*: not JSON/],
    [
      'JSON that is not a budget',
      '{"metrics": {"lcp": "fast"}}',
      /--budget .*: "metrics.lcp" must be a number/,
    ],
  ]
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with a usage error`, () => {
      const path = text === null ? join(dir, 'missing.json') : file(`${name}.json`, text)
      assert.throws(
        () => readBudgetFile(path),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      )
    })
  }
})
