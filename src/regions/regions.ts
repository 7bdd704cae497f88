/**
 * The region catalogue: what a region code means on a map. Codes are Fly.io's
 * (IATA airport codes of the data centres), so a node started with
 * `WPS_REGION=fra` is drawn at Frankfurt and labelled "Frankfurt, DE". A code the
 * catalogue does not know (a laptop's `local`, a new data centre) still works:
 * it is described by its code alone, with no place on the map.
 *
 *   describeRegion('syd')   // → { code: 'syd', city: 'Sydney', country: 'AU', lat: -33.95, lon: 151.18 }
 *   describeRegion('local') // → { code: 'local', city: 'local' }
 */

export interface RegionInfo {
  code: string
  city: string
  /** ISO 3166-1 alpha-2. */
  country?: string
  lat?: number
  lon?: number
}

export type KnownRegion = Required<RegionInfo>

/** [city, country, lat, lon], at the region's airport. */
const CATALOGUE: Record<string, [string, string, number, number]> = {
  ams: ['Amsterdam', 'NL', 52.31, 4.76],
  arn: ['Stockholm', 'SE', 59.65, 17.92],
  atl: ['Atlanta', 'US', 33.64, -84.43],
  bog: ['Bogotá', 'CO', 4.7, -74.15],
  bom: ['Mumbai', 'IN', 19.09, 72.87],
  bos: ['Boston', 'US', 42.36, -71.01],
  cdg: ['Paris', 'FR', 49.01, 2.55],
  den: ['Denver', 'US', 39.86, -104.67],
  dfw: ['Dallas', 'US', 32.9, -97.04],
  ewr: ['Secaucus', 'US', 40.69, -74.17],
  eze: ['Buenos Aires', 'AR', -34.82, -58.54],
  fra: ['Frankfurt', 'DE', 50.03, 8.57],
  gdl: ['Guadalajara', 'MX', 20.52, -103.31],
  gig: ['Rio de Janeiro', 'BR', -22.81, -43.25],
  gru: ['São Paulo', 'BR', -23.43, -46.47],
  hkg: ['Hong Kong', 'HK', 22.31, 113.91],
  iad: ['Ashburn', 'US', 38.94, -77.46],
  jnb: ['Johannesburg', 'ZA', -26.14, 28.24],
  lax: ['Los Angeles', 'US', 33.94, -118.41],
  lhr: ['London', 'GB', 51.47, -0.45],
  mad: ['Madrid', 'ES', 40.47, -3.56],
  mia: ['Miami', 'US', 25.8, -80.29],
  nrt: ['Tokyo', 'JP', 35.77, 140.39],
  ord: ['Chicago', 'US', 41.97, -87.91],
  otp: ['Bucharest', 'RO', 44.57, 26.1],
  phx: ['Phoenix', 'US', 33.43, -112.01],
  qro: ['Querétaro', 'MX', 20.62, -100.19],
  scl: ['Santiago', 'CL', -33.39, -70.79],
  sea: ['Seattle', 'US', 47.45, -122.31],
  sin: ['Singapore', 'SG', 1.36, 103.99],
  sjc: ['San Jose', 'US', 37.36, -121.93],
  syd: ['Sydney', 'AU', -33.95, 151.18],
  waw: ['Warsaw', 'PL', 52.17, 20.97],
  yul: ['Montreal', 'CA', 45.47, -73.74],
  yyz: ['Toronto', 'CA', 43.68, -79.63],
}

/** The catalogue entry, or undefined when the code is not a known region. Case-insensitive. */
export function knownRegion(code: string): KnownRegion | undefined {
  const key = code.trim().toLowerCase()
  const entry = Object.hasOwn(CATALOGUE, key) ? CATALOGUE[key] : undefined
  if (!entry) return undefined
  const [city, country, lat, lon] = entry
  return { code: key, city, country, lat, lon }
}

/** Always answers: unknown codes are described by the code itself. */
export function describeRegion(code: string): RegionInfo {
  return knownRegion(code) ?? { code, city: code }
}

/** Every known region, sorted by code. */
export function listRegions(): KnownRegion[] {
  return Object.keys(CATALOGUE)
    .sort()
    .map((code) => knownRegion(code)!)
}
