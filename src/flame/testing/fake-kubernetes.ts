/**
 * A fake Kubernetes API server for tests: the pods part of the core v1 API
 * (fake-kubernetes-pods-api.ts), over HTTPS with a certificate from its own freshly made
 * CA and a service account's token (fake-kubernetes-credentials.ts), that "runs" each
 * created pod by spawning its container's command (fake-kubernetes-pod-runner.ts). A
 * Kubernetes cluster cannot exist here; this speaks the same wire format, so the backend
 * under test is the one that would run in a cluster.
 *
 *   const k8s = await FakeKubernetes.start({ root: appRoot })
 *   k8s.addPod({ metadata: { name: 'wps-0' }, spec: { containers: [{ name: 'wps', image: 'wps:1' }] } })
 *   const env = { ...k8s.env, POD_NAME: 'wps-0' }      // KUBERNETES_SERVICE_HOST/PORT + service-account folder
 *   … new KubernetesBackend({ env, … }) …
 *   k8s.pod('wps-0-browser-1-x1y2z')?.status?.phase   // 'Running'
 *   await k8s.close()                                  // kills every pod's processes
 *
 * A created pod's phase goes Pending → Running → Succeeded (exit 0) or Failed. Deleting
 * the pod sends SIGTERM to its process group, then SIGKILL after the grace period, and
 * the pod disappears once its processes are gone; `gracePeriodSeconds=0` is a force
 * deletion, as in the real API: the pod object goes at once and the group gets SIGKILL.
 * Deleting a pod also deletes the pods that name it in `ownerReferences` (the garbage
 * collector's background propagation). Pods added with `addPod` stand for pods running
 * elsewhere (the test process plays the node): they are Running and have no process.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVICE_ACCOUNT_DIR_ENV } from '../backends/kubernetes-credentials.ts'
import type { Pod, StoredPod } from '../backends/kubernetes-pod.ts'
import { makeServiceAccount } from './fake-kubernetes-credentials.ts'
import { PodRunner } from './fake-kubernetes-pod-runner.ts'
import { PodsApi, type RecordedRequest } from './fake-kubernetes-pods-api.ts'

export { parseLabelSelector } from './fake-kubernetes-labels.ts'
export type { RecordedRequest } from './fake-kubernetes-pods-api.ts'

export interface FakeKubernetesOptions {
  /** Where pods' commands run (the app root inside the image). */
  root: string
  /** The service account's namespace. Default `default`. */
  namespace?: string
  /** Copy pods' output to this process's stderr, prefixed with the pod name. Default false. */
  echo?: boolean
}

export class FakeKubernetes {
  /** `https://127.0.0.1:port`. */
  readonly url: string
  /** A folder with `token`, `ca.crt` and `namespace`, as mounted in a pod. */
  readonly serviceAccountDir: string
  readonly namespace: string
  readonly token: string
  /** Every request, in order. */
  readonly requests: RecordedRequest[]
  /** What a process inside the cluster would find in its environment. */
  readonly env: Record<string, string>

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    private readonly api: PodsApi,
    private readonly runner: PodRunner,
    serviceAccount: { dir: string; namespace: string; token: string },
  ) {
    const { port } = server.address() as AddressInfo
    this.url = `https://127.0.0.1:${port}`
    this.namespace = serviceAccount.namespace
    this.token = serviceAccount.token
    this.serviceAccountDir = serviceAccount.dir
    this.requests = api.requests
    this.env = {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(port),
      [SERVICE_ACCOUNT_DIR_ENV]: this.serviceAccountDir,
    }
  }

  static async start(options: FakeKubernetesOptions): Promise<FakeKubernetes> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-k8s-'))
    const namespace = options.namespace ?? 'default'
    const sa = await makeServiceAccount(dir, namespace)
    const runner = new PodRunner({ root: options.root, namespace, ...(options.echo ? { echo: true } : {}) })
    const api = new PodsApi({ namespace, token: sa.token, runner })
    const server = createServer({ key: sa.key, cert: sa.cert }, (req, res) => {
      void api.handle(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new FakeKubernetes(server, dir, api, runner, sa)
  }

  /** A pod that exists without a process here: scheduled, with a uid, Running unless `status` says otherwise. */
  addPod(pod: Pod): StoredPod {
    return this.api.addPod(pod)
  }

  /** A deep copy of the pod as the API would return it, or undefined when there is none. */
  pod(name: string): StoredPod | undefined {
    const pod = this.api.stored(name)
    return pod ? structuredClone(pod) : undefined
  }

  /** Every pod, as the API would list it. */
  list(): StoredPod[] {
    return this.api.all().map((p) => structuredClone(p))
  }

  /** The pid of the pod's container process while it runs. */
  pidOf(name: string): number | undefined {
    return this.runner.pidOf(name)
  }

  /** The pod's machine dies (`kill -9` of its whole process group); the pod stays, as Failed. */
  crash(name: string): void {
    this.runner.crash(name)
  }

  /** The pods whose label `key` is `value`. */
  podsLabelled(key: string, value: string): StoredPod[] {
    return this.list().filter((p) => p.metadata.labels?.[key] === value)
  }

  /** What the pod's container printed (`kubectl logs`). */
  logsOf(name: string): string {
    return this.runner.logsOf(name)
  }

  async close(): Promise<void> {
    await this.runner.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    rmSync(this.dir, { recursive: true, force: true })
  }
}
