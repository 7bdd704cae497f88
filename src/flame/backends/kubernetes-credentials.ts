/**
 * How a program inside a Kubernetes pod finds and authenticates to its cluster's API:
 * the service-account files the kubelet mounts into every pod, and the API service's
 * address that it puts in every container's environment.
 *
 *   /var/run/secrets/kubernetes.io/serviceaccount/token       bearer token (rotated in place)
 *   /var/run/secrets/kubernetes.io/serviceaccount/ca.crt      the cluster CA, to verify the API
 *   /var/run/secrets/kubernetes.io/serviceaccount/namespace   this pod's namespace
 *   KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT          the API server
 *
 *   const creds = inClusterCredentials(process.env)   // throws KubernetesConfigError naming what is missing
 *   creds.server     // 'https://10.96.0.1:443'
 *   creds.token()    // read from the file on each use: projected tokens rotate
 *
 * `WPS_K8S_SERVICE_ACCOUNT_DIR` names another folder with the same three files (tests,
 * or a token mounted elsewhere).
 */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'
export const SERVICE_ACCOUNT_DIR_ENV = 'WPS_K8S_SERVICE_ACCOUNT_DIR'

export interface KubernetesCredentials {
  /** `https://host:port` of the API server. */
  server: string
  /** The bearer token, read fresh on every call. */
  token(): string
  /** PEM of the CA that signed the API server's certificate. */
  ca: string
  /** The namespace this pod runs in. */
  namespace: string
}

export class KubernetesConfigError extends Error {
  override name = 'KubernetesConfigError'
}

function readNonEmpty(path: string, what: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8').trim()
  } catch (err) {
    throw new KubernetesConfigError(`cannot read the service account's ${what} (${path}): ${String(err)}`)
  }
  if (!text) throw new KubernetesConfigError(`the service account's ${what} (${path}) is empty`)
  return text
}

export function inClusterCredentials(env: NodeJS.ProcessEnv = process.env): KubernetesCredentials {
  const host = env.KUBERNETES_SERVICE_HOST
  const port = env.KUBERNETES_SERVICE_PORT || '443'
  if (!host) {
    throw new KubernetesConfigError(
      'not inside a Kubernetes pod: KUBERNETES_SERVICE_HOST is not set (the kubelet sets it in every container)',
    )
  }
  if (!/^\d{1,5}$/.test(port)) {
    throw new KubernetesConfigError(`KUBERNETES_SERVICE_PORT must be a port number, got "${port}"`)
  }
  const dir = env[SERVICE_ACCOUNT_DIR_ENV] || SERVICE_ACCOUNT_DIR
  const tokenPath = join(dir, 'token')
  readNonEmpty(tokenPath, 'token') // fail at start, not at the first boot
  const ca = readNonEmpty(join(dir, 'ca.crt'), 'CA certificate')
  const namespace = env.POD_NAMESPACE || readNonEmpty(join(dir, 'namespace'), 'namespace')
  // An IPv6 service address needs brackets in a URL.
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return {
    server: `https://${hostPart}:${port}`,
    token: () => readNonEmpty(tokenPath, 'token'),
    ca,
    namespace,
  }
}
