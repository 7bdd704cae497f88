/**
 * `wps dev --regions ord,fra,syd [--port N] [--target iad]`: the planet on one machine.
 * Starts the system `nats-server` and one `wps serve` node per region joined through it;
 * the first node serves the page on `--port`. Each node's browser traffic goes through
 * the latency emulator with the real round-trip time between its city and where the
 * target is assumed to be (`--target`, default iad), so "from Sydney" shows the extra
 * round trips that physics predicts.
 *
 * Every child is tied to this process: nodes exit when their IPC channel to us closes,
 * and nats-server gets a parent-death signal, so nothing outlives `wps dev`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DEFAULT_TARGET_REGION, estimateRttMs } from '../latency/rtt.ts'
import { parseArgs, UsageError } from './args.ts'
import { freePort, waitForPort } from './ports.ts'
import { onShutdownSignal } from './signals.ts'

const WPS_BIN = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))

export async function dev(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, { regions: 'list', port: 'value', target: 'value' })
  const regions = (options.regions as string[] | undefined) ?? []
  if (regions.length === 0)
    throw new UsageError('wps dev needs --regions, e.g. `wps dev --regions ord,fra,syd`.')
  if (new Set(regions).size !== regions.length) throw new UsageError('--regions lists a region twice.')
  const port = Number(options.port ?? process.env.PORT ?? 4000)
  if (!Number.isInteger(port) || port < 0) throw new UsageError('--port must be a port number.')
  const target = typeof options.target === 'string' ? options.target : DEFAULT_TARGET_REGION

  const natsBin = which('nats-server')
  if (!natsBin) {
    console.error(
      'wps dev needs nats-server on PATH: apt-get install nats-server (npm test installs it too).',
    )
    return 1
  }
  const children: ChildProcess[] = []
  const stopAll = async () => {
    await Promise.all(children.map((child) => stopChild(child)))
  }
  onShutdownSignal(async () => {
    console.error('stopping the dev cluster…')
    await stopAll()
  })

  const natsPort = await freePort()
  children.push(startNats(natsBin, natsPort))
  const natsUrl = `nats://127.0.0.1:${natsPort}`
  await waitForPort(natsPort, 5000, 'nats-server')

  const firstUrl = await Promise.all(
    regions.map(async (region, index) => {
      const rtt = estimateRttMs(region, target) ?? 0
      const nodePort = index === 0 ? port : await freePort()
      const child = spawn(process.execPath, [WPS_BIN, 'serve', '--port', String(nodePort)], {
        env: { ...process.env, WPS_REGION: region, NATS_URL: natsUrl, WPS_LATENCY_MS: String(rtt) },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      })
      children.push(child)
      const url = await waitForServing(child, region)
      console.error(`  ${region.padEnd(6)} ${url}  (+${rtt} ms round trip to ${target})`)
      return url
    }),
  ).then((urls) => urls[0])

  console.log(`World Page Speed dev cluster serving ${firstUrl} (regions ${regions.join(', ')}; ${natsUrl})`)
  return new Promise<number>(() => {})
}

function which(binary: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' })
  return found.status === 0 ? found.stdout.trim() : null
}

function startNats(binary: string, port: number): ChildProcess {
  const args = ['-a', '127.0.0.1', '-p', String(port)]
  // setpriv gives nats-server a parent-death signal: it cannot watch us itself.
  const setpriv = which('setpriv')
  return setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', binary, ...args], { stdio: 'ignore' })
    : spawn(binary, args, { stdio: 'ignore' })
}

async function waitForServing(child: ChildProcess, region: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = out.match(/serving (http:\/\/\S+)/)
      if (match?.[1]) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`the ${region} node exited with code ${code}`)))
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 8000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
