import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { gatheredLoad } from '../browser/gathered.ts'
import type { Measurement } from '../browser/types.ts'
import { GATHERED_FILE, gatheredFile, packGathered, readGatheredArtifact } from './gathered-artifact.ts'

const load = gatheredLoad({
  url: 'http://a.test/',
  events: [],
  page: null,
  documents: [],
  ended: { error: null },
})
const measurement = (over: Partial<Measurement> = {}): Measurement => ({
  httpStatus: 200,
  finalUrl: 'http://a.test/',
  metrics: { ttfb: 1, fcp: 2, lcp: 3, cls: 0, tbt: 0, domContentLoaded: 4, load: 5 },
  requests: 1,
  transferBytes: 100,
  entries: [],
  error: null,
  ...over,
})

describe('the gathered artifact', () => {
  it('packs the view and the repeat view, and reads them back from the stored file', () => {
    const repeat = { ...load, url: 'http://a.test/?again' }
    const packed = packGathered(
      measurement({ gathered: load, repeatView: measurement({ gathered: repeat }) }),
    )
    assert.ok(packed)
    const file = gatheredFile(packed)
    assert.equal(file.name, GATHERED_FILE)
    assert.deepEqual(readGatheredArtifact(file.data), {
      ok: true,
      artifact: { version: 1, view: load, repeatView: repeat },
    })
  })

  it('packs nothing for a measurement that gathered nothing', () => {
    assert.equal(packGathered(measurement()), undefined)
  })

  it('says why it cannot read a file: not gzip, another version, a bad load', () => {
    const read = (data: Buffer) => {
      const r = readGatheredArtifact(data)
      return r.ok ? 'ok' : r.message
    }
    assert.match(read(Buffer.from('plain')), /not gzipped JSON/)
    assert.match(
      read(gzipSync(JSON.stringify({ version: 9, view: load }))),
      /version 9; this build reads version 1/,
    )
    assert.match(
      read(gzipSync(JSON.stringify({ version: 1, view: { ...load, network: 'x' } }))),
      /network event/,
    )
  })
})
