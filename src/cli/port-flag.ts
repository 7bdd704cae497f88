/**
 * The `--port` flag and what a failed listen means, in the CLI's words: `wps serve` and
 * `wps dev` say "port 4000 is already in use", not EADDRINUSE.
 *
 *   portFlag('8080')   // 8080
 *   portFlag('abc')    // throws UsageError: --port must be a port number from 0 to 65535, got "abc".
 *   listenError(eaddrinuse, '0.0.0.0', 4000).message   // 'Port 4000 is already in use on 0.0.0.0 …'
 */
import { UsageError } from './args.ts'

/** `--port`: a TCP port number, 0 (any free one) to 65535. */
export function portFlag(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got "${value}".`)
  }
  return port
}

/** A listen failure a person can act on: a port in use or not allowed names the port and the way out. */
export function listenError(error: unknown, host: string, port: number): Error {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  if (code === 'EADDRINUSE') {
    return new Error(
      `Port ${port} is already in use on ${host} (another wps serve?). Stop that process or choose another port with --port N.`,
    )
  }
  if (code === 'EACCES') {
    return new Error(`Port ${port} on ${host} needs more privileges; choose a port above 1023 with --port N.`)
  }
  if (code === 'EADDRNOTAVAIL')
    return new Error(`${host} is not an address of this machine; choose another --host.`)
  return error instanceof Error ? error : new Error(String(error))
}
