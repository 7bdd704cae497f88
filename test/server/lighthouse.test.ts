/**
 * Lighthouse through the HTTP API of a real node (in-process runners, real Chromium
 * behind the runner's egress proxy): `lighthouse: true` gives the row a score, its metric
 * audits and links to the full report, which the API serves as HTML (in a CSP sandbox)
 * and JSON; the row shows the audit as its own step (`lighthouse.status: running`, the
 * row not yet final) between its numbers and its end. An audit that fails ends the row
 * complete all the same, with its numbers and the reason in words. Without the flag the
 * row has no Lighthouse field at all, and a non-boolean flag is refused.
 *
 * Multi-region (one audit per region node, over NATS): test/multiregion/lighthouse.test.ts.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'
import { postTest, runTest } from '../support/api.ts'
import { startTestServer } from '../support/node-server.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { siteAndServer } from '../support/site-server.ts'

/** A page that loads at once, then fetches something every 200 ms forever: Lighthouse waits for a network quiet that never comes. */
const RESTLESS = `<!doctype html><html><head><link rel="icon" href="data:,"><title>restless</title></head>
<body><h1>Never quiet</h1><script>setInterval(() => fetch('/tick?' + Date.now()), 200)</script></body></html>`

async function startRestlessSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/tick')) return response.writeHead(204).end()
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(RESTLESS)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('Lighthouse through the API', () => {
  const stack = siteAndServer(startFixtureSite)

  it('scores the page, shows the audit as its own step and serves the report as HTML and JSON', async () => {
    // The moment a row links to its report, the report is there (it is stored first).
    let firstLinked: Promise<number[]> | undefined
    const run = await runTest(
      stack.server.url,
      { url: `${stack.site.url}${FACTS.lcp.path}`, lighthouse: true },
      {
        timeoutMs: 120_000,
        onRow: (row) => {
          const linked = row.artifacts?.lighthouse
          if (linked && !firstLinked) {
            firstLinked = Promise.all(
              [linked.html, linked.json].map(
                async (link) => (await fetch(`${stack.server.url}${link}`)).status,
              ),
            )
          }
        },
      },
    )
    assert.deepEqual(await firstLinked, [200, 200])
    const row = run.test.results[0]
    assert.ok(row)
    assert.equal(row.status, 'complete', JSON.stringify(row.error))
    assert.equal(row.final, true)
    // The measurement is as without Lighthouse: the fixture's hero is the LCP.
    assert.equal(row.httpStatus, 200)
    assert.ok((row.metrics.lcp ?? 0) >= FACTS.lcp.heroDelayMs, `lcp ${row.metrics.lcp}`)

    // Its own step: a row with the numbers, not final, Lighthouse running; then the end.
    const running = run.rows.find((r) => r.lighthouse?.status === 'running')
    assert.ok(
      running,
      `no running step in ${run.rows.map((r) => `${r.status}/${r.lighthouse?.status}`).join(' ')}`,
    )
    assert.equal(running.status, 'complete')
    assert.equal(running.final, false)
    assert.equal(running.httpStatus, 200)
    assert.ok(run.rows.indexOf(running) < run.rows.length - 1)

    const lighthouse = row.lighthouse
    assert.ok(lighthouse, 'the row has a lighthouse field')
    assert.equal(lighthouse.status, 'complete', JSON.stringify(lighthouse.error))
    assert.equal(lighthouse.error, null)
    assert.equal(lighthouse.lighthouseVersion, '12.2.3')
    assert.ok(
      typeof lighthouse.performance === 'number' &&
        lighthouse.performance >= 0 &&
        lighthouse.performance <= 1,
    )
    const lcpAudit = lighthouse.audits['largest-contentful-paint']
    assert.ok(lcpAudit && typeof lcpAudit.numericValue === 'number')
    // Lighthouse sees the same hero: it cannot paint before the fixture sends it.
    assert.ok(lcpAudit.numericValue >= FACTS.lcp.heroDelayMs, `Lighthouse LCP ${lcpAudit.numericValue}`)
    assert.ok((lighthouse.durationMs ?? 0) > 0)
    assert.deepEqual(await schemaErrors('SpeedTest', run.test), [])

    const links = row.artifacts?.lighthouse
    assert.ok(links, JSON.stringify(row.artifacts))
    const json = await fetch(`${stack.server.url}${links.json}`)
    assert.equal(json.status, 200)
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/)
    const lhr = (await json.json()) as {
      lighthouseVersion: string
      finalDisplayedUrl: string
      configSettings: { throttlingMethod: string; formFactor: string }
      categories: { performance: { score: number } }
      audits: Record<string, { numericValue?: number }>
    }
    assert.equal(lhr.lighthouseVersion, '12.2.3')
    assert.equal(lhr.finalDisplayedUrl, `${stack.site.url}${FACTS.lcp.path}`)
    assert.equal(lhr.configSettings.throttlingMethod, 'provided')
    assert.equal(lhr.configSettings.formFactor, 'desktop')
    assert.equal(lhr.categories.performance.score, lighthouse.performance)
    assert.equal(lhr.audits['largest-contentful-paint']?.numericValue, lcpAudit.numericValue)

    const html = await fetch(`${stack.server.url}${links.html}`)
    assert.equal(html.status, 200)
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(html.headers.get('content-security-policy') ?? '', /^sandbox allow-scripts/)
    const page = await html.text()
    assert.match(page, /<title>Lighthouse Report<\/title>/)
    assert.ok(page.includes('"largest-contentful-paint"'), 'the HTML report holds the audits')
  })

  it('a failed audit keeps the row: complete, with its numbers and the reason in words', async () => {
    const restless = await startRestlessSite()
    const failing = await startTestServer({ WPS_ALLOW_PRIVATE: '1', WPS_LIGHTHOUSE_TIMEOUT_MS: '5000' })
    try {
      const run = await runTest(
        failing.url,
        { url: `${restless.url}/`, lighthouse: true },
        { timeoutMs: 90_000 },
      )
      const row = run.test.results[0]
      assert.ok(row)
      assert.equal(row.status, 'complete', JSON.stringify(row.error))
      assert.equal(row.error, null)
      assert.equal(row.httpStatus, 200)
      assert.ok(typeof row.metrics.fcp === 'number' && row.metrics.fcp > 0)
      assert.equal(row.lighthouse?.status, 'error')
      assert.equal(row.lighthouse?.error?.code, 'lighthouse_timeout')
      assert.match(row.lighthouse?.error?.message ?? '', /did not finish within 5 s/)
      assert.equal(row.lighthouse?.performance, null)
      assert.equal(row.artifacts?.lighthouse, undefined)
      assert.deepEqual(await schemaErrors('SpeedTest', run.test), [])
    } finally {
      await failing.close()
      await restless.close()
    }
  })

  it('without the flag there is no audit; a flag that is not a boolean is refused', async () => {
    const run = await runTest(stack.server.url, { url: `${stack.site.url}${FACTS.rich.path}` })
    const row = run.test.results[0]
    assert.equal(row?.status, 'complete')
    assert.equal(row?.lighthouse, undefined)
    assert.ok(run.rows.every((r) => r.lighthouse === undefined))
    assert.equal(row?.artifacts?.lighthouse, undefined)

    const refused = await postTest(stack.server.url, {
      url: `${stack.site.url}/`,
      lighthouse: 'yes' as unknown as boolean,
    })
    assert.equal(refused.status, 400)
    assert.equal((refused.body as { error: { code: string } }).error.code, 'bad_request')
  })
})
