/**
 * The in-process transport against the shared conformance suite.
 */

import { createMemoryCluster, MemoryHub } from '../../src/cluster/memory.ts'
import { clusterConformance } from './conformance.ts'

clusterConformance('memory', async () => {
  const hubs = new Map<string, MemoryHub>()
  return {
    start(member, namespace) {
      let hub = hubs.get(namespace)
      if (!hub) {
        hub = new MemoryHub()
        hubs.set(namespace, hub)
      }
      return createMemoryCluster(hub, member)
    },
    async stop() {},
  }
})
