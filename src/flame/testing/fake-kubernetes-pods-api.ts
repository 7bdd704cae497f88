/**
 * The pods part of the core v1 API, as a fake Kubernetes API server answers it over
 * HTTP: routes, bearer-token check, namespace scoping, validation, `Status` errors,
 * resource versions, graceful and forced deletion, and the garbage collector's
 * background propagation. The pods' processes are the pod runner's (fake-kubernetes-pod-runner.ts).
 *
 *   const api = new PodsApi({ namespace: 'default', token, runner })
 *   https.createServer(tls, (req, res) => void api.handle(req, res))
 *
 *   GET    /api/v1/namespaces/{ns}/pods?labelSelector=a=b,c!=d,e,!f,g in (x,y)   → PodList
 *   GET    /api/v1/namespaces/{ns}/pods/{name}                                  → Pod | 404
 *   POST   /api/v1/namespaces/{ns}/pods                                         → 201 Pod | 409 | 422
 *   DELETE /api/v1/namespaces/{ns}/pods/{name}[?gracePeriodSeconds=N]           → 200 Pod (with deletionTimestamp)
 *
 * Errors are `Status` objects as the real API sends them (`reason` NotFound, AlreadyExists,
 * Invalid, BadRequest, Unauthorized, Forbidden). Another namespace is Forbidden, as RBAC
 * scoped to a Role would make it. Deleting a pod with processes sends them SIGTERM and
 * keeps the pod until they are gone; `gracePeriodSeconds=0` removes the object at once.
 */

import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type Pod,
  PodFormatError,
  parsePodLike,
  type Status,
  type StoredPod,
} from '../backends/kubernetes-pod.ts'
import { LABEL_KEY, LABEL_VALUE, LabelSelectorError, parseLabelSelector } from './fake-kubernetes-labels.ts'
import { NODE_NAME, POD_IP, type PodRunner, timestamp } from './fake-kubernetes-pod-runner.ts'

export interface RecordedRequest {
  method: string
  path: string
  /** `performance.now()` when the answer was sent. */
  at?: number
  status?: number
}

export interface PodsApiOptions {
  /** The only namespace the service account may use. */
  namespace: string
  /** The service account's bearer token. */
  token: string
  /** Runs created pods. */
  runner: PodRunner
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Status['details'],
  ) {
    super(message)
  }
}

export class PodsApi {
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = []
  private readonly pods = new Map<string, StoredPod>()
  private resourceVersion = 1000

  constructor(private readonly options: PodsApiOptions) {}

  /** The stored pod itself (not a copy), or undefined. */
  stored(name: string): StoredPod | undefined {
    return this.pods.get(name)
  }

  all(): StoredPod[] {
    return [...this.pods.values()]
  }

  /** A pod that exists without a process here: scheduled, with a uid, Running unless `status` says otherwise. */
  addPod(pod: Pod): StoredPod {
    const stored = this.store(pod)
    stored.spec.nodeName ??= NODE_NAME
    stored.status = { phase: 'Running', podIP: POD_IP, startTime: timestamp(), ...pod.status }
    return structuredClone(stored)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    const method = req.method ?? 'GET'
    const record: RecordedRequest = { method, path: `${url.pathname}${url.search}` }
    this.requests.push(record)
    res.once('finish', () => {
      record.at = performance.now()
      record.status = res.statusCode
    })
    try {
      const body = await readBody(req)
      if (req.headers.authorization !== `Bearer ${this.options.token}`) {
        throw new ApiFailure(401, 'Unauthorized', 'Unauthorized')
      }
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(url.pathname)
      if (!m) throw new ApiFailure(404, 'NotFound', 'the server could not find the requested resource')
      const namespace = decodeURIComponent(m[1]!)
      const name = m[2] === undefined ? undefined : decodeURIComponent(m[2])
      const verb =
        method === 'GET'
          ? name
            ? 'get'
            : 'list'
          : method === 'POST' && !name
            ? 'create'
            : method.toLowerCase()
      if (namespace !== this.options.namespace) {
        throw new ApiFailure(
          403,
          'Forbidden',
          `pods is forbidden: User "system:serviceaccount:${this.options.namespace}:default" cannot ${verb} resource "pods" in API group "" in the namespace "${namespace}"`,
          { kind: 'pods' },
        )
      }
      if (verb === 'get' && name) return send(res, 200, this.get(name))
      if (verb === 'list') return send(res, 200, this.listPods(url.searchParams.get('labelSelector') ?? ''))
      if (verb === 'create') return send(res, 201, this.create(body, namespace))
      if (verb === 'delete' && name) return send(res, 200, this.delete(name, url, body))
      throw new ApiFailure(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      )
    } catch (err) {
      if (err instanceof ApiFailure) {
        const status: Status = {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: err.message,
          reason: err.reason,
          code: err.code,
          ...(err.details ? { details: err.details } : {}),
        }
        return send(res, err.code, status)
      }
      send(res, 500, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: String(err),
        reason: 'InternalError',
        code: 500,
      })
    }
  }

  private get(name: string): StoredPod {
    const pod = this.pods.get(name)
    if (!pod) throw new ApiFailure(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' })
    return { apiVersion: 'v1', kind: 'Pod', ...pod }
  }

  private listPods(selector: string): unknown {
    let requirements: ReturnType<typeof parseLabelSelector>
    try {
      requirements = parseLabelSelector(selector)
    } catch (err) {
      if (err instanceof LabelSelectorError) throw new ApiFailure(400, 'BadRequest', err.message)
      throw err
    }
    const items = [...this.pods.values()].filter((p) => requirements.every((r) => r(p.metadata.labels ?? {})))
    return {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    }
  }

  private store(input: Pod): StoredPod {
    const name =
      input.metadata.name ??
      (input.metadata.generateName
        ? `${input.metadata.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`
        : '')
    const invalid = (field: string, why: string): never => {
      throw new ApiFailure(422, 'Invalid', `Pod "${name}" is invalid: ${field}: ${why}`, {
        name,
        kind: 'Pod',
        causes: [{ field, message: why, reason: 'FieldValueInvalid' }],
      })
    }
    if (!name) invalid('metadata.name', 'Required value: name or generateName is required')
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      invalid(
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      )
    }
    if (this.pods.has(name))
      throw new ApiFailure(409, 'AlreadyExists', `pods "${name}" already exists`, { name, kind: 'pods' })
    for (const [key, value] of Object.entries(input.metadata.labels ?? {})) {
      if (!LABEL_KEY.test(key)) invalid('metadata.labels', `Invalid value: "${key}": not a label key`)
      if (value.length > 63 || !LABEL_VALUE.test(value))
        invalid('metadata.labels', `Invalid value: "${value}": not a label value`)
    }
    if (input.spec.containers.length === 0) invalid('spec.containers', 'Required value')
    input.spec.containers.forEach((c, i) => {
      if (!c.image) invalid(`spec.containers[${i}].image`, 'Required value')
    })
    const stored: StoredPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      ...structuredClone(input),
      metadata: {
        ...structuredClone(input.metadata),
        name,
        namespace: this.options.namespace,
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: timestamp(),
      },
      status: { phase: 'Pending' },
    }
    stored.spec.restartPolicy ??= 'Always'
    stored.spec.terminationGracePeriodSeconds ??= 30
    this.pods.set(name, stored)
    return stored
  }

  private create(body: string, namespace: string): StoredPod {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      throw new ApiFailure(400, 'BadRequest', 'the request body is not JSON')
    }
    let input: Pod
    try {
      input = parsePodLike(json)
    } catch (err) {
      if (err instanceof PodFormatError) throw new ApiFailure(400, 'BadRequest', err.message)
      throw err
    }
    if (input.metadata.namespace !== undefined && input.metadata.namespace !== namespace) {
      throw new ApiFailure(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      )
    }
    const pod = this.store(input)
    setImmediate(() => this.schedule(pod.metadata.name))
    return structuredClone(pod)
  }

  private bump(pod: StoredPod): void {
    pod.metadata.resourceVersion = String(++this.resourceVersion)
  }

  /** The scheduler's part: bind the pod to the node, whose runner then reports its phase here. */
  private schedule(name: string): void {
    const pod = this.pods.get(name)
    if (!pod || pod.metadata.deletionTimestamp) return
    pod.spec.nodeName = NODE_NAME
    const { uid } = pod.metadata
    // The same name may belong to a newer pod by the time the runner reports.
    const current = (): StoredPod | undefined => {
      const now = this.pods.get(name)
      return now?.metadata.uid === uid ? now : undefined
    }
    this.options.runner.run(pod, {
      status: (status, merge) => {
        const now = current()
        if (!now) return
        now.status = merge ? { ...now.status, ...status } : status
        this.bump(now)
      },
      gone: () => {
        if (current()?.metadata.deletionTimestamp) this.remove(name)
      },
    })
  }

  private delete(name: string, url: URL, body: string): StoredPod {
    const pod = this.pods.get(name)
    if (!pod) throw new ApiFailure(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' })
    let grace = pod.spec.terminationGracePeriodSeconds ?? 30
    const fromQuery = url.searchParams.get('gracePeriodSeconds')
    if (fromQuery !== null) grace = Number(fromQuery)
    else if (body) {
      try {
        const options = JSON.parse(body) as { gracePeriodSeconds?: unknown }
        if (typeof options.gracePeriodSeconds === 'number') grace = options.gracePeriodSeconds
      } catch {
        throw new ApiFailure(400, 'BadRequest', 'DeleteOptions is not JSON')
      }
    }
    if (!Number.isInteger(grace) || grace < 0) {
      throw new ApiFailure(400, 'BadRequest', `invalid gracePeriodSeconds "${fromQuery}"`)
    }
    if (!pod.metadata.deletionTimestamp) {
      pod.metadata.deletionTimestamp = timestamp()
      pod.metadata.deletionGracePeriodSeconds = grace
      this.bump(pod)
    }
    const answer = structuredClone(pod)
    // Force deletion: the object goes at once, the kubelet kills the containers after.
    // A pod without processes here has nothing to wait for.
    const running = this.options.runner.terminate(name, grace)
    if (!running || grace === 0) this.remove(name)
    return answer
  }

  /** The pod is gone; the garbage collector then deletes what it owned. */
  private remove(name: string): void {
    const pod = this.pods.get(name)
    if (!pod) return
    this.pods.delete(name)
    for (const dependent of [...this.pods.values()]) {
      if (dependent.metadata.ownerReferences?.some((o) => o.uid === pod.metadata.uid)) {
        try {
          this.delete(dependent.metadata.name, new URL('https://127.0.0.1/'), '')
        } catch {
          // deleted meanwhile
        }
      }
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}
