/**
 * The server's `TestService`, made of a node's real parts: tests from `SpeedTests`, the
 * regions from the cluster's members (placed on the map by the region catalogue), and
 * the pools' own snapshots. This is the only place where HTTP meets the cluster and the
 * pools; the server itself sees the interface alone.
 *
 *   const service = nodeTestService({ speedTests, cluster, pools: () => [pool.stats()] })
 *   service.regions()   // → [{ region: 'ord', node: 'ord-…', city: 'Chicago', lat: 41.98, … }]
 */
import { describeRegion } from '../cluster/regions.ts'
import type { Cluster } from '../cluster/types.ts'
import type { PoolSnapshot, TestService } from '../server/test-service.ts'
import type { SpeedTests } from '../speedtest/speed-tests.ts'

export interface NodeParts {
  speedTests: SpeedTests
  cluster: Cluster
  pools: () => PoolSnapshot[]
}

export function nodeTestService(parts: NodeParts): TestService {
  const { speedTests, cluster } = parts
  return {
    start: (request) => speedTests.start(request),
    get: (id) => speedTests.get(id),
    subscribe: (id, listener) => speedTests.subscribe(id, listener),
    history: (query) => speedTests.history(query),
    compare: (a, b) => speedTests.compare(a, b),
    file: (id, node, name) => speedTests.file(id, node, name),
    regions: () =>
      cluster.members().map((member) => {
        const place = describeRegion(member.region)
        return { ...member, city: place.city, country: place.country, lat: place.lat, lon: place.lon }
      }),
    pools: parts.pools,
    self: () => ({ node: cluster.self.node, region: cluster.self.region }),
  }
}
