import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { RowLighthouse } from '../../../../src/speedtest/model.ts'
import { lighthouseView } from './view.ts'

const blank: RowLighthouse = {
  status: 'running',
  performance: null,
  audits: {},
  opportunities: [],
  lighthouseVersion: null,
  durationMs: null,
  error: null,
}

it('a scored audit: out of 100, rated in words, savings in words, report links', () => {
  const links = {
    html: '/api/tests/t/artifacts/n/lighthouse.html',
    json: '/api/tests/t/artifacts/n/lighthouse.json',
  }
  const view = lighthouseView(
    {
      ...blank,
      status: 'complete',
      performance: 0.67,
      durationMs: 9800,
      opportunities: [
        {
          id: 'render-blocking-resources',
          title: 'Eliminate render-blocking resources',
          score: 0,
          savingsMs: 310,
          savingsBytes: null,
          displayValue: null,
        },
        {
          id: 'modern-image-formats',
          title: 'Serve images in next-gen formats',
          score: 0.5,
          savingsMs: 0,
          savingsBytes: 142_336,
          displayValue: null,
        },
      ],
    },
    links,
  )
  assert.deepEqual(view, {
    state: 'scored',
    score: 67,
    rating: 'needs-improvement',
    ratingText: 'Needs improvement',
    durationText: '9.80 s',
    opportunities: [
      {
        id: 'render-blocking-resources',
        title: 'Eliminate render-blocking resources',
        saving: '310 ms faster',
      },
      { id: 'modern-image-formats', title: 'Serve images in next-gen formats', saving: '139 KB smaller' },
    ],
    links,
  })
})

it('running, failed, and scored-but-unscorable audits say so', () => {
  assert.deepEqual(lighthouseView(blank, undefined), { state: 'running' })
  assert.deepEqual(
    lighthouseView(
      {
        ...blank,
        status: 'error',
        error: { code: 'lighthouse_timeout', message: 'Lighthouse did not finish within 60 s.' },
      },
      undefined,
    ),
    { state: 'failed', message: 'Lighthouse did not finish within 60 s.' },
  )
  assert.equal(lighthouseView({ ...blank, status: 'complete' }, undefined).state, 'failed')
})
