/**
 * The map's geometry, offline: the land outline from `world-atlas` (Natural Earth
 * 1:110m, bundled into the page, no tiles or CDN) projected with d3-geo's Equal Earth
 * into a fixed SVG viewBox, and a function that places a region at its coordinates.
 *
 *   const { width, height, land } = worldShape()   // land: an SVG path `d`
 *   place(41.98, -87.9)                            // → [x, y] of Chicago in that viewBox
 */
import { geoEqualEarth, geoPath } from 'd3-geo'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import land110m from 'world-atlas/land-110m.json' with { type: 'json' }

export const WIDTH = 960
export const HEIGHT = 470

const topology = land110m as unknown as Topology<{ land: GeometryCollection }>
const land = feature(topology, topology.objects.land)
const projection = geoEqualEarth().fitExtent(
  [
    [4, 4],
    [WIDTH - 4, HEIGHT - 4],
  ],
  { type: 'Sphere' },
)

let landPath: string | null = null

export function worldShape(): { width: number; height: number; land: string; sphere: string } {
  const path = geoPath(projection)
  landPath ??= path(land) ?? ''
  return { width: WIDTH, height: HEIGHT, land: landPath, sphere: path({ type: 'Sphere' }) ?? '' }
}

/** A place's [x, y] in the viewBox, or null for coordinates that are not on Earth. */
export function place(lat: number, lon: number): [number, number] | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null
  return projection([lon, lat]) ?? null
}
