/**
 * A row's gathered data as the store keeps it: the gathered load of the row's numbers
 * (the median run's, with several runs) and of its repeat view, as one gzipped JSON file
 * beside the row (`gathered.json.gz`), never loaded with it. It travels from the
 * measuring node to the test's owner beside the final row, as the images do, and is
 * served as it is by `GET /api/tests/:id/artifacts/:node/gathered.json.gz`.
 *
 *   const packed = packGathered(measurement)        // base64 of the gzip, or undefined
 *   await store.saveFiles(id, node, [gatheredFile(packed)])
 *   readGatheredArtifact((await store.getFile(id, node, GATHERED_FILE)).data)
 *   // → { ok: true, artifact: { version: 1, view: GatheredLoad, repeatView?: GatheredLoad } }
 *
 * Gzip because the events repeat their field names: a 5-request page's 6 KB of JSON is
 * 1.2 KB packed. `version` is the wrapper's; each gathered load has its own as well.
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import { type GatheredLoad, parseGathered } from '../browser/gathered.ts'
import type { Measurement } from '../browser/types.ts'
import type { StoredFile } from '../store/index.ts'

export const GATHERED_FILE = 'gathered.json.gz'
export const GATHERED_ARTIFACT_VERSION = 1

export interface GatheredArtifact {
  version: typeof GATHERED_ARTIFACT_VERSION
  /** The load the row's numbers come from. */
  view: GatheredLoad
  /** The row's repeat view, when there was one. */
  repeatView?: GatheredLoad
}

/** The measurement's gathered loads, packed to travel (base64 of gzipped JSON); undefined without any. */
export function packGathered(measurement: Measurement): string | undefined {
  if (!measurement.gathered) return undefined
  const artifact: GatheredArtifact = {
    version: GATHERED_ARTIFACT_VERSION,
    view: measurement.gathered,
    ...(measurement.repeatView?.gathered ? { repeatView: measurement.repeatView.gathered } : {}),
  }
  return gzipSync(JSON.stringify(artifact)).toString('base64')
}

export function gatheredFile(packed: string): StoredFile {
  return { name: GATHERED_FILE, contentType: 'application/gzip', data: Buffer.from(packed, 'base64') }
}

export type ReadGathered = { ok: true; artifact: GatheredArtifact } | { ok: false; message: string }

/** The stored file, unpacked and checked; a clear message when it cannot be read. */
export function readGatheredArtifact(data: Buffer): ReadGathered {
  let value: unknown
  try {
    value = JSON.parse(gunzipSync(data).toString('utf8'))
  } catch (error) {
    return { ok: false, message: `${GATHERED_FILE} is not gzipped JSON (${String(error)})` }
  }
  if (typeof value !== 'object' || value === null)
    return { ok: false, message: `${GATHERED_FILE} is not an object` }
  const version: unknown = Reflect.get(value, 'version')
  if (version !== GATHERED_ARTIFACT_VERSION) {
    return {
      ok: false,
      message: `${GATHERED_FILE} is of version ${String(version)}; this build reads version ${GATHERED_ARTIFACT_VERSION}`,
    }
  }
  const view = parseGathered(Reflect.get(value, 'view'))
  if (!view.ok) return view
  const rawRepeat: unknown = Reflect.get(value, 'repeatView')
  if (rawRepeat === undefined) return { ok: true, artifact: { version, view: view.gathered } }
  const repeat = parseGathered(rawRepeat)
  if (!repeat.ok) return { ok: false, message: `repeat view: ${repeat.message}` }
  return { ok: true, artifact: { version, view: view.gathered, repeatView: repeat.gathered } }
}
