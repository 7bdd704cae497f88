/**
 * FLAME for TypeScript: run parts of your app on short-lived copies of itself.
 *
 * A Pool boots runners (copies of the app) through a Backend, sends them named tasks,
 * streams their messages back, and idles them away when the work stops. This folder is
 * a library, the package `@world-page-speed/flame` (this file is its main entry;
 * `testing/index.ts` is `@world-page-speed/flame/testing`): it imports nothing from the
 * rest of the app. See README.md.
 *
 *   import { defineTask, Pool, ProcessBackend } from '@world-page-speed/flame'
 *
 *   export const hello = defineTask('hello', async (name: string, ctx) => {
 *     ctx.send(`working on ${ctx.runnerId}`)
 *     return `hello ${name}`
 *   })
 *
 *   const pool = new Pool({ name: 'work', backend: new ProcessBackend({ args: ['runner.ts'] }), max: 4 })
 *   await pool.call(hello, 'world', { onMessage: console.log })   // → 'hello world'
 */

export type {
  Backend,
  BootSpec,
  ClosableParentChannel,
  ParentChannel,
  RunnerConnection,
  RunnerExit,
} from './backend.ts'
export { describeExit } from './backend.ts'
export {
  FlyBackend,
  type FlyBackendOptions,
  PARENT_META,
  POOL_META,
  RUNNER_META,
  type SweepResult,
} from './backends/fly.ts'
export {
  FlyApiError,
  type FlyApiOptions,
  type FlyCreateRequest,
  type FlyGuest,
  type FlyMachine,
  type FlyMachineConfig,
  FlyMachinesApi,
  parseGuest,
} from './backends/fly-api.ts'
export { KubernetesBackend, type KubernetesBackendOptions } from './backends/kubernetes.ts'
export { KubernetesApi, KubernetesApiError, type KubernetesApiOptions } from './backends/kubernetes-api.ts'
export {
  inClusterCredentials,
  KubernetesConfigError,
  type KubernetesCredentials,
  SERVICE_ACCOUNT_DIR,
  SERVICE_ACCOUNT_DIR_ENV,
} from './backends/kubernetes-credentials.ts'
export {
  type OwnerReference,
  type Pod,
  type PodList,
  type PodPhase,
  parsePod,
  parsePodLike,
  type Status,
  type StoredPod,
} from './backends/kubernetes-pod.ts'
export { LABELS as KUBERNETES_LABELS, runnerPod } from './backends/kubernetes-runner-pod.ts'
export { LocalBackend, type LocalBackendOptions } from './backends/local.ts'
export {
  MachineBackend,
  type MachineBackendOptions,
  type MachineRequest,
  type Machines,
} from './backends/machine.ts'
export { ProcessBackend, type ProcessBackendOptions } from './backends/process.ts'
export { FlameError, type FlameErrorCode, type RemoteErrorInfo } from './errors.ts'
export { type RunnerHost, type ServeRunnerOptions, serveRunner } from './host.ts'
export { type Expectation, NatsLink, type NatsLinkOptions, type RunnerLink } from './nats-link.ts'
export {
  type NatsLinkInfo,
  PARENT_ENV,
  PARENT_ID,
  Parent,
  type ParentInfo,
  ParentVersionError,
  PROTOCOL_VERSION,
} from './parent.ts'
export {
  type CallOptions,
  type Placement,
  Pool,
  type PoolOptions,
  type PoolStats,
  type RunnerStats,
} from './pool.ts'
export type { FromRunner, ToRunner } from './protocol.ts'
export { type StartRunnerOptions, startRunner } from './start-runner.ts'
export { defineTask, type Resource, type Task, type TaskContext, type TaskRegistry, tasks } from './task.ts'
