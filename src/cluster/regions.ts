/**
 * The region catalogue, as the cluster layer offers it to the layers above. It lives in
 * the shared leaf `src/regions/` so that the layers below the cluster (the latency
 * emulator, the runner's egress) can use it without importing the cluster.
 *
 *   import { describeRegion } from '../cluster/regions.ts'
 *   describeRegion('syd')   // → { code: 'syd', city: 'Sydney', country: 'AU', … }
 */
export {
  describeRegion,
  type KnownRegion,
  knownRegion,
  listRegions,
  type RegionInfo,
} from '../regions/regions.ts'
