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
import net from 'node:net'
import { knownRegion } from '../cluster/regions.ts'
import { DEFAULT_TARGET_REGION, estimateRttMs } from '../latency/rtt.ts'
import { parseArgs, UsageError } from './args.ts'
import { WPS_ENTRY } from './entry.ts'
import { listenError, portFlag } from './port-flag.ts'
import { freePort, waitForPort } from './ports.ts'
import { knownCodes } from './regions.ts'
import { onShutdownSignal } from './signals.ts'

export async function dev(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, { regions: 'list', port: 'value', target: 'value' })
  const regions = (options.regions as string[] | undefined) ?? []
  if (regions.length === 0)
    throw new UsageError('wps dev needs --regions, e.g. `wps dev --regions ord,fra,syd`.')
  if (new Set(regions).size !== regions.length) throw new UsageError('--regions lists a region twice.')
  // An unknown code would have no place on the map and no distance to the target: 0 ms, silently wrong.
  const unknown = regions.filter((r) => !knownRegion(r))
  if (unknown.length > 0) {
    throw new UsageError(
      `--regions: unknown region code ${unknown.join(', ')}. Known codes: ${knownCodes()}.`,
    )
  }
  const port = typeof options.port === 'string' ? portFlag(options.port) : Number(process.env.PORT || 4000)
  const target = typeof options.target === 'string' ? options.target : DEFAULT_TARGET_REGION
  if (!knownRegion(target)) {
    throw new UsageError(`--target: unknown region code ${target}. Known codes: ${knownCodes()}.`)
  }

  const natsBin = which('nats-server')
  if (!natsBin) {
    console.error(
      'wps dev needs nats-server, which is not on PATH. Install it: as root, `npm start` (or `bash scripts/setup.sh`) ' +
        'installs it, or run `apt-get install nats-server`; elsewhere download it from https://nats.io/download/ and put it on PATH.',
    )
    return 1
  }
  await ensurePortFree(port)
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
      const child = spawn(process.execPath, [WPS_ENTRY, 'serve', '--port', String(nodePort)], {
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

/** Fail before starting anything when the page's port is taken, with the same words as `wps serve`. */
async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return
  const probe = net.createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(listenError(error, '0.0.0.0', port)))
    probe.listen(port, () => probe.close(() => resolve()))
  })
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
