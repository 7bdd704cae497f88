/**
 * The cluster layer: members with region metadata, calls between nodes that stream
 * messages back, and the two transports that carry them.
 *
 *   import { connectNatsCluster, createMemoryCluster, MemoryHub, multicall } from '../cluster/index.ts'
 *   const cluster = process.env.NATS_URL
 *     ? await connectNatsCluster({ servers: process.env.NATS_URL, member })
 *     : createMemoryCluster(new MemoryHub(), member)
 */

export { encodeJson, JsonText } from './json-text.ts'
export { createMemoryCluster, MemoryHub } from './memory.ts'
export { type MulticallOptions, type MulticallResult, multicall } from './multicall.ts'
export { connectNatsCluster, type NatsClusterOptions } from './nats.ts'
export { describeRegion, type KnownRegion, knownRegion, listRegions, type RegionInfo } from './regions.ts'
export * from './types.ts'
