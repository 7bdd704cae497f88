/**
 * The material a pod finds mounted for its service account, made fresh for a fake
 * Kubernetes API server: a CA of its own (openssl, P-256), the server's certificate signed
 * by it for 127.0.0.1 and localhost, a bearer token, and the folder a pod reads them from
 * (`token`, `ca.crt`, `namespace`, as at /var/run/secrets/kubernetes.io/serviceaccount).
 * A client that trusts `ca.crt` and sends the token is the cluster's own service account;
 * nothing else verifies or authenticates.
 *
 *   const sa = await makeServiceAccount(dir, 'default')
 *   https.createServer({ key: sa.key, cert: sa.cert }, …)
 *   readFileSync(join(sa.dir, 'token'), 'utf8') === sa.token   // → true
 */

import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ServiceAccount {
  /** The folder with `token`, `ca.crt` and `namespace`. */
  dir: string
  namespace: string
  token: string
  /** PEM of the CA that signed `cert`. */
  ca: string
  /** The API server's key and certificate (PEM). */
  key: string
  cert: string
}

/** Writes the CA, the server's certificate and the service-account folder under `dir`. */
export async function makeServiceAccount(dir: string, namespace: string): Promise<ServiceAccount> {
  const tls = await makeTls(dir)
  const token = randomBytes(24).toString('base64url')
  const sa = join(dir, 'serviceaccount')
  mkdirSync(sa)
  writeFileSync(join(sa, 'token'), token)
  writeFileSync(join(sa, 'ca.crt'), tls.ca)
  writeFileSync(join(sa, 'namespace'), namespace)
  return { dir: sa, namespace, token, ...tls }
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
