/**
 * Region latency, emulated in user space: a delaying forward proxy for the browser
 * and the round-trip estimates that tell it how much delay a region should get.
 *
 *   const proxy = await startLatencyProxy({ rttMs: estimateRttMs('syd') ?? 0 })
 */

export { type LatencyProxy, type LatencyProxyOptions, startLatencyProxy } from './proxy.ts'
export { DEFAULT_TARGET_REGION, estimateRttMs, greatCircleKm, rttTable } from './rtt.ts'
