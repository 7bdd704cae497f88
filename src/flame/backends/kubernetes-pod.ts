/**
 * The parts of the Kubernetes Pod v1 object (`apiVersion: v1, kind: Pod`) that a runner
 * pool reads and writes, with checks for what comes back from the API server. Fields we
 * do not name are kept as they are (`[key: string]: unknown`), so a pod cloned from the
 * node's own pod keeps its image, resources, volumes and security context.
 *
 *   const pod = parsePod(await response.json())   // throws on a body that is not a Pod
 *   pod.metadata.uid          // for ownerReferences
 *   pod.status?.phase         // 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
 */

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  [key: string]: unknown
}

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: { fieldRef?: { fieldPath: string; apiVersion?: string }; [key: string]: unknown }
}

export interface Container {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  env?: EnvVar[]
  workingDir?: string
  [key: string]: unknown
}

export interface PodSpec {
  containers: Container[]
  restartPolicy?: 'Always' | 'OnFailure' | 'Never'
  nodeName?: string
  terminationGracePeriodSeconds?: number
  [key: string]: unknown
}

export interface PodStatus {
  phase?: PodPhase
  podIP?: string
  reason?: string
  message?: string
  [key: string]: unknown
}

export interface Pod {
  apiVersion?: 'v1'
  kind?: 'Pod'
  metadata: ObjectMeta
  spec: PodSpec
  status?: PodStatus
}

/** A Pod as returned by the API server: it always has a name and a uid. */
export interface StoredPod extends Pod {
  metadata: ObjectMeta & { name: string; uid: string }
}

export interface PodList {
  items: StoredPod[]
  metadata?: { resourceVersion?: string; continue?: string }
}

/** The error body every Kubernetes API error carries (`kind: Status`). */
export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message: string
  reason: string
  code: number
  details?: { name?: string; kind?: string; causes?: { field?: string; message: string; reason?: string }[] }
}

export class PodFormatError extends Error {
  override name = 'PodFormatError'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const PHASES = new Set<unknown>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'])

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw new PodFormatError(`${where} is not an object`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new PodFormatError(`${where}.${k} is not a string`)
    out[k] = v
  }
  return out
}

function parseEnv(value: unknown, where: string): EnvVar[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw new PodFormatError(`${where} is not a list`)
  return value.map((e, i) => {
    if (!isObject(e) || typeof e.name !== 'string') throw new PodFormatError(`${where}[${i}] has no name`)
    if (e.value !== undefined && typeof e.value !== 'string') {
      throw new PodFormatError(`${where}[${i}].value is not a string`)
    }
    return e as unknown as EnvVar // name and value checked; valueFrom is passed through untouched
  })
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new PodFormatError(`${where} is not a list of strings`)
  }
  return value
}

function parseOwners(value: unknown): OwnerReference[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw new PodFormatError('metadata.ownerReferences is not a list')
  return value.map((o, i) => {
    if (
      !isObject(o) ||
      typeof o.apiVersion !== 'string' ||
      typeof o.kind !== 'string' ||
      typeof o.name !== 'string' ||
      typeof o.uid !== 'string'
    ) {
      throw new PodFormatError(`metadata.ownerReferences[${i}] needs apiVersion, kind, name and uid`)
    }
    return o as unknown as OwnerReference
  })
}

/** Check a Pod body (a request to the fake server, or the API's answer) field by field. */
export function parsePodLike(value: unknown, where = 'pod'): Pod {
  if (!isObject(value)) throw new PodFormatError(`${where} is not an object`)
  if (value.kind !== undefined && value.kind !== 'Pod') {
    throw new PodFormatError(`${where} has kind ${String(value.kind)}, not Pod`)
  }
  const metadata = value.metadata
  if (!isObject(metadata)) throw new PodFormatError(`${where}.metadata is missing`)
  for (const key of ['name', 'generateName', 'namespace', 'uid', 'deletionTimestamp'] as const) {
    if (metadata[key] !== undefined && typeof metadata[key] !== 'string') {
      throw new PodFormatError(`${where}.metadata.${key} is not a string`)
    }
  }
  const spec = value.spec
  if (!isObject(spec) || !Array.isArray(spec.containers)) {
    throw new PodFormatError(`${where}.spec.containers is missing`)
  }
  const containers = spec.containers.map((c, i): Container => {
    const at = `${where}.spec.containers[${i}]`
    if (!isObject(c) || typeof c.name !== 'string') throw new PodFormatError(`${at} has no name`)
    if (c.image !== undefined && typeof c.image !== 'string') throw new PodFormatError(`${at}.image`)
    const command = stringList(c.command, `${at}.command`)
    const args = stringList(c.args, `${at}.args`)
    const env = parseEnv(c.env, `${at}.env`)
    return {
      ...c,
      name: c.name,
      ...(command ? { command } : {}),
      ...(args ? { args } : {}),
      ...(env ? { env } : {}),
    }
  })
  const status = value.status
  if (status !== undefined && !isObject(status)) throw new PodFormatError(`${where}.status is not an object`)
  if (status && status.phase !== undefined && !PHASES.has(status.phase)) {
    throw new PodFormatError(`${where}.status.phase is ${String(status.phase)}`)
  }
  const labels = stringMap(metadata.labels, `${where}.metadata.labels`)
  const annotations = stringMap(metadata.annotations, `${where}.metadata.annotations`)
  const ownerReferences = parseOwners(metadata.ownerReferences)
  return {
    ...(value.apiVersion === 'v1' ? { apiVersion: 'v1' as const } : {}),
    ...(value.kind === 'Pod' ? { kind: 'Pod' as const } : {}),
    metadata: {
      ...metadata,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec: { ...spec, containers },
    ...(status ? { status: status as PodStatus } : {}),
  }
}

/** A Pod from the API server: like `parsePodLike`, and it must have a name and a uid. */
export function parsePod(value: unknown): StoredPod {
  const pod = parsePodLike(value)
  const { name, uid } = pod.metadata
  if (typeof name !== 'string' || typeof uid !== 'string') {
    throw new PodFormatError('the API returned a pod without metadata.name or metadata.uid')
  }
  return { ...pod, metadata: { ...pod.metadata, name, uid } }
}

export function parsePodList(value: unknown): PodList {
  if (!isObject(value) || !Array.isArray(value.items)) throw new PodFormatError('not a PodList')
  return {
    items: value.items.map((item) => parsePod(item)),
    ...(isObject(value.metadata) ? { metadata: value.metadata as PodList['metadata'] } : {}),
  }
}

/** A Status body, or null when the body is something else (a proxy's HTML page). */
export function parseStatus(value: unknown): Status | null {
  if (!isObject(value) || value.kind !== 'Status' || typeof value.message !== 'string') return null
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: value.status === 'Success' ? 'Success' : 'Failure',
    message: value.message,
    reason: typeof value.reason === 'string' ? value.reason : '',
    code: typeof value.code === 'number' ? value.code : 0,
    ...(isObject(value.details) ? { details: value.details as Status['details'] } : {}),
  }
}

/** Label values: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
  return cleaned || 'x'
}

/** A pod name: a DNS label (lower-case alphanumerics and '-', at most 63); `suffix` is always kept whole. */
export function podName(prefix: string, suffix: string): string {
  const clean = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '')
  const tail = clean(suffix).slice(0, 40)
  const head = clean(prefix)
    .slice(0, 62 - tail.length)
    .replace(/-+$/, '')
  return head && tail ? `${head}-${tail}` : head || tail || 'runner'
}
