/**
 * A small client for the part of the Kubernetes API a runner pool uses: the pods of one
 * namespace. It speaks HTTPS to the API server with the service account's token and
 * verifies the server against the service account's CA (Node's https; no client library).
 *
 *   const api = new KubernetesApi(inClusterCredentials())
 *   const me = await api.getPod(process.env.POD_NAME!)                 // GET    /api/v1/namespaces/{ns}/pods/{name}
 *   const pod = await api.createPod({ metadata: {...}, spec: {...} })   // POST   /api/v1/namespaces/{ns}/pods
 *   await api.listPods('flame/parent-pod=wps-0')                        // GET    …/pods?labelSelector=…
 *   await api.deletePod(pod.metadata.name, { gracePeriodSeconds: 0 })   // DELETE …/pods/{name}
 *
 * A failure is a `KubernetesApiError` carrying the HTTP status and the `reason` and
 * `message` of the API's Status body (`NotFound`, `AlreadyExists`, `Forbidden`, …), so the
 * caller can tell "already gone" from "not allowed".
 */

import { request } from 'node:https'
import type { KubernetesCredentials } from './kubernetes-credentials.ts'
import {
  type Pod,
  type PodList,
  parsePod,
  parsePodList,
  parseStatus,
  type StoredPod,
} from './kubernetes-pod.ts'

export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError'

  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** The Status body's `reason` (`NotFound`, `Forbidden`, …), or `''`. */
    readonly reason: string,
    message: string,
  ) {
    super(message)
  }
}

export interface KubernetesApiOptions {
  /** Per-request bound in ms. Default 15 s. */
  requestTimeout?: number
}

export class KubernetesApi {
  readonly namespace: string
  private readonly requestTimeout: number

  constructor(
    private readonly credentials: KubernetesCredentials,
    options: KubernetesApiOptions = {},
  ) {
    this.namespace = credentials.namespace
    this.requestTimeout = options.requestTimeout ?? 15_000
  }

  private podsPath(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`
  }

  async getPod(name: string): Promise<StoredPod> {
    return parsePod(await this.send('GET', this.podsPath(name)))
  }

  async createPod(pod: Pod): Promise<StoredPod> {
    return parsePod(await this.send('POST', this.podsPath(), { apiVersion: 'v1', kind: 'Pod', ...pod }))
  }

  /** Pods of the namespace matching a label selector such as `a=b,c!=d`. */
  async listPods(labelSelector: string): Promise<PodList> {
    const query = new URLSearchParams({ labelSelector }).toString()
    return parsePodList(await this.send('GET', `${this.podsPath()}?${query}`))
  }

  /**
   * Delete a pod. `gracePeriodSeconds: 0` kills its containers at once. Resolves `false`
   * when the pod was already gone (404), so deleting twice is harmless.
   */
  async deletePod(name: string, options: { gracePeriodSeconds?: number } = {}): Promise<boolean> {
    const query =
      options.gracePeriodSeconds === undefined ? '' : `?gracePeriodSeconds=${options.gracePeriodSeconds}`
    try {
      await this.send('DELETE', `${this.podsPath(name)}${query}`)
      return true
    } catch (err) {
      if (err instanceof KubernetesApiError && err.status === 404) return false
      throw err
    }
  }

  private send(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.credentials.server)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.credentials.token()}`,
      Accept: 'application/json',
    }
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(payload))
    }
    const what = `${method} ${url.pathname}`
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, headers, ca: this.credentials.ca, timeout: this.requestTimeout },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', (err) => reject(new KubernetesApiError(0, '', `${what}: ${err.message}`)))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const status = res.statusCode ?? 0
            let json: unknown = null
            try {
              json = text ? JSON.parse(text) : null
            } catch {
              // not JSON: reported below with the start of the body
            }
            if (status >= 200 && status < 300) {
              if (json === null) {
                return reject(new KubernetesApiError(status, '', `${what}: answer is not JSON`))
              }
              return resolve(json)
            }
            const s = parseStatus(json)
            const message = s ? s.message : text.slice(0, 200) || res.statusMessage || 'no body'
            reject(new KubernetesApiError(status, s?.reason ?? '', `${what} → ${status}: ${message}`))
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.requestTimeout} ms`)))
      req.on('error', (err) => reject(new KubernetesApiError(0, '', `${what}: ${err.message}`)))
      req.end(payload)
    })
  }
}
