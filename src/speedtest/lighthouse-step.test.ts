import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { LighthouseSummary } from '../browser/lighthouse-summary.ts'
import { LIGHTHOUSE_JSON, lighthouseFields, REPORT_BUDGET } from './lighthouse-step.ts'
import { parseMeasureRequest, parseRegionUpdate } from './protocol.ts'

const summary: LighthouseSummary = {
  performance: 0.93,
  audits: { 'largest-contentful-paint': { score: 0.95, numericValue: 812, displayValue: '0.8 s' } },
  opportunities: [],
  lighthouseVersion: '12.2.3',
  runtimeError: null,
}

describe('the Lighthouse step of a row', () => {
  it('a scored audit: summary on the row, report links beside the frames, the report to keep', () => {
    const fields = lighthouseFields(
      { ok: true, report: '{"lighthouseVersion":"12.2.3"}', summary, durationMs: 9100 },
      { testId: 't1', node: 'ord-1' },
      { filmstrip: [{ at: 0, url: '/api/tests/t1/artifacts/ord-1/frame-0.jpg' }], screenshot: null },
    )
    assert.deepEqual(fields.lighthouse, {
      status: 'complete',
      performance: 0.93,
      audits: summary.audits,
      opportunities: [],
      lighthouseVersion: '12.2.3',
      durationMs: 9100,
      error: null,
    })
    assert.deepEqual(fields.artifacts, {
      filmstrip: [{ at: 0, url: '/api/tests/t1/artifacts/ord-1/frame-0.jpg' }],
      screenshot: null,
      lighthouse: {
        html: '/api/tests/t1/artifacts/ord-1/lighthouse.html',
        json: '/api/tests/t1/artifacts/ord-1/lighthouse.json',
      },
    })
    assert.deepEqual(fields.reports, [{ name: LIGHTHOUSE_JSON, text: '{"lighthouseVersion":"12.2.3"}' }])
  })

  it('a report too large for one cluster message stays behind; the score does not', () => {
    const fields = lighthouseFields(
      { ok: true, report: 'x'.repeat(REPORT_BUDGET + 1), summary, durationMs: 9100 },
      { testId: 't1', node: 'ord-1' },
      undefined,
    )
    assert.equal(fields.lighthouse?.performance, 0.93)
    assert.equal(fields.artifacts, undefined)
    assert.equal(fields.reports, undefined)
  })

  it('a failed audit: the reason on the row, and no links', () => {
    const fields = lighthouseFields(
      {
        ok: false,
        error: { code: 'lighthouse_failed', message: 'Lighthouse failed: boom' },
        durationMs: 300,
      },
      { testId: 't1', node: 'ord-1' },
      undefined,
    )
    assert.equal(fields.lighthouse?.status, 'error')
    assert.deepEqual(fields.lighthouse?.error, {
      code: 'lighthouse_failed',
      message: 'Lighthouse failed: boom',
    })
    assert.equal(fields.lighthouse?.durationMs, 300)
    assert.equal(fields.artifacts, undefined)
    assert.equal(fields.reports, undefined)
  })

  it('crosses the cluster checked: the flag only as true, reports only by their known name', () => {
    assert.equal(
      parseMeasureRequest({ testId: 't', url: 'https://a.test/', lighthouse: true })?.lighthouse,
      true,
    )
    assert.equal(
      parseMeasureRequest({ testId: 't', url: 'https://a.test/', lighthouse: 'yes' })?.lighthouse,
      undefined,
    )
    const update = parseRegionUpdate({
      status: 'complete',
      reports: [
        { name: 'lighthouse.json', text: '{}' },
        { name: '../../etc/passwd', text: 'x' },
        { name: 'lighthouse.json', text: 7 },
      ],
    })
    assert.deepEqual(update?.reports, [{ name: 'lighthouse.json', text: '{}' }])
    assert.equal(parseRegionUpdate({ status: 'complete', reports: 'nope' }), null)
  })
})
