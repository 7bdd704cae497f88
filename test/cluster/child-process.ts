/**
 * Starts `child-node.ts` in a real child process and hands back its pid, a way to
 * kill it, and a promise for its exit. Used by the tests that need a node to die.
 *
 *   const child = await spawnChildNode({ natsUrl, node: 'child-1' })
 *   child.kill('SIGKILL'); await child.exited
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildNode {
  process: ChildProcess
  exited: Promise<void>
  kill(signal?: NodeJS.Signals): void
}

const SCRIPT = fileURLToPath(new URL('./child-node.ts', import.meta.url))

export async function spawnChildNode(options: {
  natsUrl: string
  node: string
  prefix?: string
  heartbeatMs?: number
}): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      WPS_TEST_NATS_URL: options.natsUrl,
      WPS_TEST_NODE: options.node,
      WPS_TEST_PREFIX: options.prefix ?? 'wps',
      WPS_TEST_HEARTBEAT_MS: String(options.heartbeatMs ?? 500),
    },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.once('exit', () => child.kill('SIGKILL'))
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`child node ${options.node} not ready within 15 s`))
    }, 15_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes(`ready ${options.node}`)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`child node ${options.node} exited before ready (code ${code})`))
    })
  })
  return { process: child, exited, kill: (signal = 'SIGTERM') => child.kill(signal) }
}
