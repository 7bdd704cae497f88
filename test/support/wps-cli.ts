/**
 * A `wps` command run to its end as a child process, the way a person or a CI job runs
 * it: its exit code (or the signal that ended it), stdout and stderr. `onStderr` sees
 * progress as it comes, e.g. to interrupt the command at a chosen moment.
 *
 *   const { code, stdout, stderr } = await wps(['run', 'example.com', '--json'], { WPS_ALLOW_PRIVATE: '1' })
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const WPS = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))

export interface WpsOutcome {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function wps(
  args: string[],
  env: Record<string, string> = {},
  options: { onStderr?: (text: string, child: ChildProcess) => void; timeoutMs?: number } = {},
): Promise<WpsOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WPS, ...args], {
      env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    // A command that hangs must not hang the suite: kill it and let the assertions fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      options.onStderr?.(stderr, child)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
