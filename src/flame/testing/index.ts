/**
 * The conformance kit, for authors of backends (`@world-page-speed/flame/testing`): the
 * suite every backend must pass, the tasks its runners must know, and the stand-ins for
 * what cannot run on a laptop (a nats-server, fake Fly.io Machines and Kubernetes APIs).
 *
 *   // my-backend.test.ts, run with `node --test`
 *   import { conformance } from '@world-page-speed/flame/testing'
 *   conformance({
 *     name: 'my-cloud',
 *     backend: () => new MyCloudBackend({ command: ['node', runnerEntry] }),
 *     kill: (_backend, pool, runnerId) => myCloud.killHard(runnerId),   // as abruptly as it gets
 *   })
 *
 *   // runnerEntry: what the backend's machines run
 *   import '@world-page-speed/flame/testing'            // registers the kit's tasks
 *   import { startRunner } from '@world-page-speed/flame'
 *   await startRunner()
 *
 * `runnerFixture` is such an entry, ready made (`node ${runnerArgs}`).
 */

export { FailingBoots, fixtureBackend, runnerArgs, runnerFixture, tsxLoader } from './backends.ts'
export { type ConformanceTarget, conformance } from './conformance.ts'
export { type FakeFly, type FakeFlyOptions, type FakeMachine, startFakeFly } from './fake-fly.ts'
export {
  FakeKubernetes,
  type FakeKubernetesOptions,
  parseLabelSelector,
  type RecordedRequest,
} from './fake-kubernetes.ts'
export { rejectsWith, type Suite, setUpSuite, startCall, waitFor } from './harness.ts'
export { hotCallTimes } from './hot-call.ts'
export { startNats, type TestNats } from './nats-server.ts'
export { type ProcessMachine, ProcessMachines, type ProcessMachinesOptions } from './process-machines.ts'
export * from './tasks.ts'
