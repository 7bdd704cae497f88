/**
 * A fake Kubernetes API server for tests: the pods part of the core v1 API, over HTTPS
 * with a certificate from its own freshly made CA, that "runs" each created pod by
 * spawning its container's command. A Kubernetes cluster cannot exist here; this speaks
 * the same wire format, so the backend under test is the one that would run in a cluster.
 *
 *   const k8s = await FakeKubernetes.start({ root: appRoot })
 *   k8s.addPod({ metadata: { name: 'wps-0' }, spec: { containers: [{ name: 'wps', image: 'wps:1' }] } })
 *   const env = { ...k8s.env, POD_NAME: 'wps-0' }      // KUBERNETES_SERVICE_HOST/PORT + service-account folder
 *   … new KubernetesBackend({ env, … }) …
 *   k8s.pod('wps-0-browser-1-x1y2z')?.status?.phase   // 'Running'
 *   await k8s.close()                                  // kills every pod's processes
 *
 * What it serves (everything else is a 404 Status):
 *
 *   GET    /api/v1/namespaces/{ns}/pods?labelSelector=a=b,c!=d,e,!f,g in (x,y)   → PodList
 *   GET    /api/v1/namespaces/{ns}/pods/{name}                                  → Pod | 404
 *   POST   /api/v1/namespaces/{ns}/pods                                         → 201 Pod | 409 | 422
 *   DELETE /api/v1/namespaces/{ns}/pods/{name}[?gracePeriodSeconds=N]           → 200 Pod (with deletionTimestamp)
 *
 * Errors are `Status` objects as the real API sends them (`reason` NotFound, AlreadyExists,
 * Invalid, BadRequest, Unauthorized, Forbidden). Requests need the service account's bearer
 * token; another namespace is Forbidden, as RBAC scoped to a Role would make it.
 *
 * A created pod's first container runs as `command ++ args` in `root` (the image's working
 * directory: the app), with exactly the container's env — `value`s and the downward API's
 * `fieldRef`s (`metadata.name`, `metadata.namespace`, `status.podIP`, `spec.nodeName`) —
 * plus `PATH`, and `HOME`/`TMPDIR` set to a temp folder of its own; no IPC, stdout and
 * stderr kept as the pod's log. Its phase goes Pending → Running → Succeeded (exit 0) or
 * Failed. It runs in a process group of its own, as a container runs in its own cgroup:
 * deleting the pod sends SIGTERM to the group, then SIGKILL after the grace period, and
 * the pod disappears once its processes are gone; `gracePeriodSeconds=0` is a force
 * deletion, as in the real API: the pod object goes at once and the group gets SIGKILL. Deleting a pod also
 * deletes the pods that name it in `ownerReferences` (the garbage collector's background
 * propagation). Pods added with `addPod` stand for pods running elsewhere (the test process
 * plays the node): they are Running and have no process.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SERVICE_ACCOUNT_DIR_ENV } from '../backends/kubernetes-credentials.ts'
import {
  type Pod,
  PodFormatError,
  parsePodLike,
  type Status,
  type StoredPod,
} from '../backends/kubernetes-pod.ts'

const run = promisify(execFile)

export interface FakeKubernetesOptions {
  /** Where pods' commands run (the app root inside the image). */
  root: string
  /** The service account's namespace. Default `default`. */
  namespace?: string
  /** Copy pods' output to this process's stderr, prefixed with the pod name. Default false. */
  echo?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  /** `performance.now()` when the answer was sent. */
  at?: number
  status?: number
}

interface PodProcess {
  child: ChildProcess
  dir: string
  exited: Promise<void>
  killTimer?: NodeJS.Timeout
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

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

type Requirement = (labels: Record<string, string>) => boolean

/** The label selector grammar of the API server: equality, inequality, existence, set membership. */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of selector) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim() || parts.length) parts.push(current)
  return parts.map((raw): Requirement => {
    const part = raw.trim()
    const bad = (): never => {
      throw new ApiFailure(400, 'BadRequest', `unable to parse requirement: invalid label selector "${part}"`)
    }
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part)
    if (set) {
      const [, key, op, list] = set as unknown as [string, string, string, string]
      const values = new Set(list.split(',').map((v) => v.trim()))
      if (!LABEL_KEY.test(key)) bad()
      return op === 'in'
        ? (l) => l[key] !== undefined && values.has(l[key])
        : (l) => l[key] === undefined || !values.has(l[key])
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s!=]*)$/.exec(part)
    if (cmp) {
      const [, key, op, value] = cmp as unknown as [string, string, string, string]
      if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) bad()
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value
    }
    const exists = /^(!?)([^\s!=]+)$/.exec(part)
    if (exists) {
      const [, not, key] = exists as unknown as [string, string, string]
      if (!LABEL_KEY.test(key)) bad()
      return not ? (l) => l[key] === undefined : (l) => l[key] !== undefined
    }
    return bad()
  })
}

async function makeTls(dir: string): Promise<{ ca: string; key: string; cert: string }> {
  const ca = join(dir, 'ca.crt')
  const caKey = join(dir, 'ca.key')
  const key = join(dir, 'server.key')
  const csr = join(dir, 'server.csr')
  const cert = join(dir, 'server.crt')
  const ext = join(dir, 'server.ext')
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run(
    'openssl',
    ['req', '-x509', ...curve, '-keyout', caKey, '-out', ca, '-days', '2'].concat([
      '-subj',
      '/CN=fake-kubernetes-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
  )
  await run('openssl', ['req', ...curve, '-keyout', key, '-out', csr, '-subj', '/CN=kube-apiserver'])
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  await run(
    'openssl',
    ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial'].concat([
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      ext,
    ]),
  )
  return { ca: readFileSync(ca, 'utf8'), key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }
}

export class FakeKubernetes {
  /** `https://127.0.0.1:port`. */
  readonly url: string
  /** A folder with `token`, `ca.crt` and `namespace`, as mounted in a pod. */
  readonly serviceAccountDir: string
  readonly namespace: string
  readonly token: string
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = []
  /** What a process inside the cluster would find in its environment. */
  readonly env: Record<string, string>

  private readonly pods = new Map<string, StoredPod>()
  private readonly processes = new Map<string, PodProcess>()
  private readonly logs = new Map<string, string>()
  private resourceVersion = 1000

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    private readonly options: FakeKubernetesOptions,
    namespace: string,
    token: string,
  ) {
    const { port } = server.address() as AddressInfo
    this.url = `https://127.0.0.1:${port}`
    this.namespace = namespace
    this.token = token
    this.serviceAccountDir = join(dir, 'serviceaccount')
    this.env = {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(port),
      [SERVICE_ACCOUNT_DIR_ENV]: this.serviceAccountDir,
    }
  }

  static async start(options: FakeKubernetesOptions): Promise<FakeKubernetes> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-k8s-'))
    const tls = await makeTls(dir)
    const namespace = options.namespace ?? 'default'
    const token = randomBytes(24).toString('base64url')
    const sa = join(dir, 'serviceaccount')
    mkdirSync(sa)
    writeFileSync(join(sa, 'token'), token)
    writeFileSync(join(sa, 'ca.crt'), tls.ca)
    writeFileSync(join(sa, 'namespace'), namespace)
    let fake: FakeKubernetes | undefined
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      void fake?.handle(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    fake = new FakeKubernetes(server, dir, options, namespace, token)
    return fake
  }

  /** A pod that exists without a process here: scheduled, with a uid, Running unless `status` says otherwise. */
  addPod(pod: Pod): StoredPod {
    const stored = this.store(pod)
    stored.spec.nodeName ??= 'fake-node'
    stored.status = { phase: 'Running', podIP: '127.0.0.1', startTime: timestamp(), ...pod.status }
    return structuredClone(stored)
  }

  /** A deep copy of the pod as the API would return it, or undefined when there is none. */
  pod(name: string): StoredPod | undefined {
    const pod = this.pods.get(name)
    return pod ? structuredClone(pod) : undefined
  }

  /** Every pod, as the API would list it. */
  list(): StoredPod[] {
    return [...this.pods.values()].map((p) => structuredClone(p))
  }

  /** The pid of the pod's container process while it runs. */
  pidOf(name: string): number | undefined {
    const proc = this.processes.get(name)
    return proc && proc.child.exitCode === null && proc.child.signalCode === null ? proc.child.pid : undefined
  }

  /** The pod's machine dies (`kill -9` of its whole process group); the pod stays, as Failed. */
  crash(name: string): void {
    const proc = this.processes.get(name)
    if (!proc) throw new Error(`pod ${name} has no running process`)
    this.signal(proc, 'SIGKILL')
  }

  /** The pods whose label `key` is `value`. */
  podsLabelled(key: string, value: string): StoredPod[] {
    return this.list().filter((p) => p.metadata.labels?.[key] === value)
  }

  /** What the pod's container printed (`kubectl logs`). */
  logsOf(name: string): string {
    return this.logs.get(name) ?? ''
  }

  async close(): Promise<void> {
    for (const proc of this.processes.values()) this.signal(proc, 'SIGKILL')
    await Promise.all([...this.processes.values()].map((p) => p.exited))
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    rmSync(this.dir, { recursive: true, force: true })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const method = req.method ?? 'GET'
    const record: RecordedRequest = { method, path: `${url.pathname}${url.search}` }
    this.requests.push(record)
    res.once('finish', () => {
      record.at = performance.now()
      record.status = res.statusCode
    })
    try {
      const body = await readBody(req)
      if (req.headers.authorization !== `Bearer ${this.token}`) {
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
      if (namespace !== this.namespace) {
        throw new ApiFailure(
          403,
          'Forbidden',
          `pods is forbidden: User "system:serviceaccount:${this.namespace}:default" cannot ${verb} resource "pods" in API group "" in the namespace "${namespace}"`,
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
    const requirements = parseLabelSelector(selector)
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
        namespace: this.namespace,
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

  /** The kubelet's part: start the first container, track its phase. */
  private schedule(name: string): void {
    const pod = this.pods.get(name)
    if (!pod || pod.metadata.deletionTimestamp) return
    pod.spec.nodeName = 'fake-node'
    const container = pod.spec.containers[0]!
    const argv = [...(container.command ?? []), ...(container.args ?? [])]
    const fail = (reason: string, message: string): void => {
      pod.status = { ...pod.status, phase: 'Failed', reason, message }
      this.bump(pod)
    }
    if (argv.length === 0) {
      fail('CreateContainerError', 'the fake runs only pods with a command')
      return
    }
    const env: Record<string, string> = {}
    const fields: Record<string, string> = {
      'metadata.name': name,
      'metadata.namespace': this.namespace,
      'metadata.uid': pod.metadata.uid,
      'status.podIP': '127.0.0.1',
      'spec.nodeName': 'fake-node',
      'spec.serviceAccountName':
        typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default',
    }
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value
      else if (e.valueFrom?.fieldRef) {
        const value = fields[e.valueFrom.fieldRef.fieldPath]
        if (value === undefined) {
          fail('CreateContainerConfigError', `unsupported fieldRef ${e.valueFrom.fieldRef.fieldPath}`)
          return
        }
        env[e.name] = value
      } else if (e.valueFrom) {
        fail('CreateContainerConfigError', `env ${e.name}: only value and fieldRef are supported here`)
        return
      } else env[e.name] = ''
    }
    const dir = mkdtempSync(join(tmpdir(), `fake-pod-${name.slice(0, 40)}-`))
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: this.options.root,
      env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // a process group of its own: the container's processes die together
    })
    const exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        rmSync(dir, { recursive: true, force: true })
        const proc = this.processes.get(name)
        if (proc?.killTimer) clearTimeout(proc.killTimer)
        this.processes.delete(name)
        const current = this.pods.get(name)
        if (current && current.metadata.uid === pod.metadata.uid) {
          const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)
          current.status = {
            ...current.status,
            phase: exitCode === 0 ? 'Succeeded' : 'Failed',
            containerStatuses: [
              {
                name: container.name,
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode,
                    ...(signal ? { signal: signal === 'SIGKILL' ? 9 : 15 } : {}),
                    reason: exitCode === 0 ? 'Completed' : 'Error',
                    finishedAt: timestamp(),
                  },
                },
              },
            ],
          }
          this.bump(current)
          if (current.metadata.deletionTimestamp) this.remove(name)
        }
        resolve()
      })
    })
    this.processes.set(name, { child, dir, exited })
    const collect = (d: Buffer): void => {
      this.logs.set(name, (this.logs.get(name) ?? '') + d.toString('utf8'))
      if (this.options.echo) process.stderr.write(`[pod ${name}] ${d.toString('utf8')}`)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.once('error', (err) => {
      collect(Buffer.from(`${err.message}\n`))
    })
    child.once('spawn', () => {
      const current = this.pods.get(name)
      if (!current) return
      current.status = {
        phase: 'Running',
        podIP: '127.0.0.1',
        startTime: timestamp(),
        containerStatuses: [
          {
            name: container.name,
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: timestamp() } },
          },
        ],
      }
      this.bump(current)
    })
  }

  private signal(proc: PodProcess, signal: NodeJS.Signals): void {
    const pid = proc.child.pid
    if (pid === undefined) return
    try {
      process.kill(-pid, signal)
    } catch {
      // already gone
    }
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
    const proc = this.processes.get(name)
    if (proc) {
      if (grace === 0) {
        // force deletion: the object goes at once, the kubelet kills the containers after
        this.signal(proc, 'SIGKILL')
        this.remove(name)
      } else {
        this.signal(proc, 'SIGTERM')
        proc.killTimer ??= setTimeout(() => this.signal(proc, 'SIGKILL'), grace * 1000)
      }
    } else {
      this.remove(name)
    }
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
          this.delete(dependent.metadata.name, new URL(this.url), '')
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
