/**
 * `wps regions [--json]`: the region catalogue (src/cluster/regions.ts), the codes
 * `wps dev --regions`, `--target` and WPS_REGION take.
 *
 *   wps regions
 *   // code  city          country  lat     lon
 *   // ams   Amsterdam     NL       52.31   4.76
 */
import { listRegions } from '../cluster/regions.ts'
import { parseArgs } from './args.ts'

export async function regions(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, { json: 'flag' })
  const all = listRegions()
  if (options.json) {
    console.log(JSON.stringify(all, null, 2))
    return 0
  }
  const rows = [
    ['code', 'city', 'country', 'lat', 'lon'],
    ...all.map((r) => [r.code, r.city, r.country, String(r.lat), String(r.lon)]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
  return 0
}

/** "ams, arn, atl, …": the known codes, for error messages. */
export function knownCodes(): string {
  return listRegions()
    .map((r) => r.code)
    .join(', ')
}
