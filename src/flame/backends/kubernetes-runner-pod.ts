/**
 * A runner pod is the node's own pod, cloned: same image, resources, volumes, service
 * account and security context, so a runner is the same app on the same footing — but
 * started with the runner command, owned by the node's pod, and never restarted.
 *
 *   const me = await api.getPod(process.env.POD_NAME!)
 *   const pod = runnerPod(me, {
 *     name: 'wps-7d9f-abcde-browser-1-x1y2z',
 *     command: ['node', 'bin/wps.mjs', 'runner'],
 *     env: { FLAME_PARENT: '…', NATS_URL: 'nats://nats:4222' },
 *     labels: runnerLabels({ parentPod: me.metadata.name, parentId: 'a1b2c3', pool: 'browser', runnerId: 'browser-1' }),
 *   })
 *   await api.createPod(pod)
 *
 * What changes from the node's pod, and why:
 * - `ownerReferences` → the node's pod: when the node's pod is deleted, Kubernetes'
 *   garbage collector deletes its runners too.
 * - `restartPolicy: Never`: a runner that exits is done; the pool boots a new one.
 * - only the app's container is kept (a sidecar such as a log shipper stays with the
 *   node), with `command` = the runner command and no `args`, and without ports and
 *   probes — a runner serves no HTTP, so a readiness or liveness probe would fail it.
 * - `env`: the container's own env (its `valueFrom`s included: a runner reads the same
 *   secrets) with the runner's variables set over it.
 * - labels: only the runner's own (below), never the node's — the node's labels would put
 *   runners behind the node's Service and under its ReplicaSet's selector.
 * - no `nodeName`, `hostname` or `subdomain`: the scheduler places the runner anywhere.
 * - init and ephemeral containers are dropped: they prepare or debug the node, not a runner.
 */

import { FlameError } from '../errors.ts'
import { type Container, type EnvVar, labelValue, type Pod, type StoredPod } from './kubernetes-pod.ts'

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  parentPod: 'flame/parent-pod',
  parentId: 'flame/parent-id',
  pool: 'flame/pool',
  runnerId: 'flame/runner-id',
} as const

export const MANAGED_BY = 'flame'

/** The parent id exactly (a label value may have had to be cleaned). */
export const PARENT_ID_ANNOTATION = 'flame/parent-id'

export interface RunnerIdentity {
  /** The node's pod name. */
  parentPod: string
  /** The node *process* (a restarted container is a new parent). */
  parentId: string
  pool: string
  runnerId: string
}

export function runnerAnnotations(who: RunnerIdentity): Record<string, string> {
  return { [PARENT_ID_ANNOTATION]: who.parentId, 'flame/runner-id': who.runnerId }
}

export function runnerLabels(who: RunnerIdentity): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.parentPod]: labelValue(who.parentPod),
    [LABELS.parentId]: labelValue(who.parentId),
    [LABELS.pool]: labelValue(who.pool),
    [LABELS.runnerId]: labelValue(who.runnerId),
  }
}

export interface RunnerPodOptions {
  name: string
  /** The runner command as run from the image's working directory, e.g. `['node', 'bin/wps.mjs', 'runner']`. */
  command: string[]
  /** Set over the container's own env. */
  env: Record<string, string>
  labels: Record<string, string>
  annotations?: Record<string, string>
  /** Which of the node pod's containers runs the app. Default: the first. */
  container?: string
  /** Replaces the container's `resources` (requests/limits). */
  resources?: Record<string, unknown>
}

const DROPPED_CONTAINER_FIELDS = [
  'args',
  'ports',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
] as const
const DROPPED_SPEC_FIELDS = [
  'nodeName',
  'hostname',
  'subdomain',
  'initContainers',
  'ephemeralContainers',
] as const

export function runnerPod(parent: StoredPod, options: RunnerPodOptions): Pod {
  const wanted = options.container
  const source = wanted ? parent.spec.containers.find((c) => c.name === wanted) : parent.spec.containers[0]
  if (!source) {
    const names = parent.spec.containers.map((c) => c.name).join(', ')
    throw new FlameError(
      'boot_failed',
      `pod ${parent.metadata.name} has no container ${wanted ? `"${wanted}"` : ''} (it has: ${names || 'none'})`,
    )
  }
  const container: Container = structuredClone(source)
  for (const field of DROPPED_CONTAINER_FIELDS) delete container[field]
  container.command = [...options.command]
  const overridden = new Set(Object.keys(options.env))
  const env: EnvVar[] = (container.env ?? []).filter((e) => !overridden.has(e.name))
  for (const [name, value] of Object.entries(options.env)) env.push({ name, value })
  container.env = env
  if (options.resources) container.resources = structuredClone(options.resources)

  const spec = structuredClone(parent.spec)
  for (const field of DROPPED_SPEC_FIELDS) delete spec[field]
  spec.containers = [container]
  spec.restartPolicy = 'Never'

  return {
    metadata: {
      name: options.name,
      labels: { ...options.labels },
      ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Pod', name: parent.metadata.name, uid: parent.metadata.uid },
      ],
    },
    spec,
  }
}
