/**
 * The pool's running totals since it started. Each part of the pool bumps its own
 * (growth counts boots, the fleet deaths and idle shutdowns, the scheduler calls), and
 * `stats.ts` reports them. A leaf module, so the parts that count and the part that
 * reports never import each other.
 *
 *   const counters = newCounters()
 *   counters.boots++
 *   pool.stats().boots   // → 1
 */

export interface Counters {
  boots: number
  bootFailures: number
  runnerDeaths: number
  idleShutdowns: number
  calls: number
  succeeded: number
  failed: number
  timeouts: number
}

export function newCounters(): Counters {
  // this key order is the order the counters appear in `stats()`
  return {
    boots: 0,
    bootFailures: 0,
    runnerDeaths: 0,
    idleShutdowns: 0,
    calls: 0,
    succeeded: 0,
    failed: 0,
    timeouts: 0,
  }
}
