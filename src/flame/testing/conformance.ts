/**
 * One conformance suite, run against every backend: what FLAME's own flame_test.exs and
 * runner_test.exs check, in our terms. A backend passes when a pool over it behaves the
 * same as over any other.
 *
 *   conformance({
 *     name: 'local',
 *     backend: () => new LocalBackend({ bootDelay: 30 }),
 *     kill: (backend, _pool, runnerId) => (backend as LocalBackend).kill(runnerId),
 *   })
 *
 * The tests live by topic: `conformance-scaling.ts` (growing and shrinking),
 * `conformance-failures.ts` (how calls fail and are cancelled), `conformance-calls.ts`
 * (what calls carry, resources, stats, shutdown); `harness.ts` has what they share.
 */

import { describe } from 'node:test'
import { callsTests } from './conformance-calls.ts'
import { failuresTests } from './conformance-failures.ts'
import { scalingTests } from './conformance-scaling.ts'
import { type ConformanceTarget, setUpSuite } from './harness.ts'

export type { ConformanceTarget } from './harness.ts'

export function conformance(target: ConformanceTarget): void {
  describe(`FLAME conformance: ${target.name} backend`, () => {
    // one suite: the topics share its pools, logs and scratch dir, in this order
    const suite = setUpSuite(target)
    scalingTests(suite)
    failuresTests(suite)
    callsTests(suite)
  })
}
