/**
 * `wps run --lighthouse` as a user runs it: a real child process, real Chromium, the
 * fixture site. The JSON carries each row's audit; the text output shows the score with
 * its rating in words and the top opportunities; progress names the Lighthouse step.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { wps } from '../support/wps-cli.ts'

describe('wps run --lighthouse', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(async () => site?.close())

  it('runs the audit after the measurement, prints the score and its opportunities, exits 0', async () => {
    const { code, stdout, stderr } = await wps(
      ['run', `${site.url}${FACTS.rich.path}`, '--lighthouse'],
      { WPS_ALLOW_PRIVATE: '1' },
      { timeoutMs: 120_000 },
    )
    assert.equal(code, 0, stderr)
    // Progress: the measurement's numbers first, then the Lighthouse step, then the end.
    const running = stderr.indexOf('local  Running Lighthouse (load ')
    assert.ok(running > 0, stderr)
    assert.ok(stderr.indexOf('local  Complete: load ', running) > running, stderr)
    const lines = stdout.split('\n')
    const title = lines.indexOf('Lighthouse performance (12.2.3, provided throttling)')
    assert.ok(title > 0, stdout)
    assert.match(lines[title + 1] ?? '', /^ {2}local {2}\d{1,3} \((Good|Needs improvement|Poor)\) {2}in \d/)
    // The rich page's PNGs are not in a modern format: Lighthouse says so, with the saving.
    assert.ok(
      lines
        .slice(title + 2)
        .some((line) => /Serve images in next-gen formats: (\d+ ms, )?\d+(\.\d+)? KB$/.test(line)),
      stdout,
    )
  })

  it('--json: each row carries its audit; without --lighthouse none', async () => {
    const { code, stdout, stderr } = await wps(
      ['run', `${site.url}${FACTS.lcp.path}`, '--lighthouse', '--json'],
      { WPS_ALLOW_PRIVATE: '1' },
      { timeoutMs: 120_000 },
    )
    assert.equal(code, 0, stderr)
    const test = JSON.parse(stdout) as SpeedTest
    const row = test.results[0]
    assert.equal(row?.status, 'complete')
    assert.equal(row?.lighthouse?.status, 'complete', JSON.stringify(row?.lighthouse?.error))
    const score = row?.lighthouse?.performance
    assert.ok(typeof score === 'number' && score >= 0 && score <= 1)
    assert.ok(
      (row?.lighthouse?.audits['largest-contentful-paint']?.numericValue ?? 0) >= FACTS.lcp.heroDelayMs,
    )
    assert.match(stderr, /Lighthouse performance/, 'with --json the audit lines go to stderr')

    const plain = await wps(['run', `${site.url}${FACTS.rich.path}`, '--json'], { WPS_ALLOW_PRIVATE: '1' })
    assert.equal(plain.code, 0, plain.stderr)
    assert.equal((JSON.parse(plain.stdout) as SpeedTest).results[0]?.lighthouse, undefined)
    assert.doesNotMatch(plain.stderr, /Lighthouse/)
  })
})
