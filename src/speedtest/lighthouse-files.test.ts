import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { HTML_TYPE, JSON_TYPE, lighthouseFiles } from './lighthouse-files.ts'

const STORED = readFileSync(
  new URL('../../test/fixtures/lighthouse/rich-desktop.lhr.json', import.meta.url),
  'utf8',
)

it("keeps a report's JSON as sent and renders Lighthouse's own HTML report from it", async () => {
  const files = await lighthouseFiles([{ name: 'lighthouse.json', text: STORED }])
  assert.deepEqual(
    files.map((f) => [f.name, f.contentType]),
    [
      ['lighthouse.json', JSON_TYPE],
      ['lighthouse.html', HTML_TYPE],
    ],
  )
  assert.equal(files[0]?.data.toString('utf8'), STORED)
  const html = files[1]?.data.toString('utf8') ?? ''
  assert.match(html, /<title>Lighthouse Report<\/title>/)
  // The renderer inlines the report it draws (with `<` escaped, as Lighthouse does).
  assert.ok(html.includes('"modern-image-formats"'))
})

it('a report that is not a Lighthouse result is kept as JSON only; other names are ignored', async () => {
  const odd = await lighthouseFiles([
    { name: 'lighthouse.json', text: '{"hello": 1}' },
    { name: 'other.json', text: STORED },
  ])
  assert.deepEqual(
    odd.map((f) => f.name),
    ['lighthouse.json'],
  )
  assert.deepEqual(
    await lighthouseFiles([{ name: 'lighthouse.json', text: 'not json' }]).then((f) => f.length),
    1,
  )
})
