/**
 * `wps serve [--port N] [--host H] [--latency MS]`: a node with its web page and API.
 * `--latency` adds that round-trip time to every connection its browsers make. Prints the URL it serves,
 * and on SIGTERM/SIGINT ends running tests, runners and browsers before exiting.
 */
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../server/app.ts'
import { parseArgs, UsageError } from './args.ts'
import { readConfig } from './config.ts'
import { type Node, startNode } from './node.ts'
import { nodeTestService } from './node-service.ts'
import { listenError, portFlag } from './port-flag.ts'
import { onShutdownSignal } from './signals.ts'

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** The HTTP server in front of a node: its API, event streams and the built web page. */
export function createNodeServer(node: Node): Promise<FastifyInstance> {
  return buildServer({
    service: nodeTestService({
      speedTests: node.speedTests,
      cluster: node.cluster,
      pools: () => [node.pool.stats()],
    }),
    metrics: node.metrics,
    webRoot: WEB_ROOT,
    startsPerMinute: node.config.startsPerMinute,
    trustProxy: node.config.trustProxy,
    publicUrl: node.config.publicUrl,
    apiKeys: { keys: node.config.apiKeys, protectReads: node.config.apiKeysRead },
  })
}

function latencyFlag(value: string): number {
  const ms = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN
  if (!(ms >= 0)) throw new UsageError(`--latency must be a whole number of milliseconds, got "${value}".`)
  return ms
}

export async function serve(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, { port: 'value', host: 'value', latency: 'value' })
  const env = { ...process.env }
  // Flags are checked here, in the CLI's words; the environment is checked by readConfig, in its own.
  if (typeof options.port === 'string') env.PORT = String(portFlag(options.port))
  if (typeof options.host === 'string') env.HOST = options.host
  if (typeof options.latency === 'string') env.WPS_LATENCY_MS = String(latencyFlag(options.latency))
  const config = readConfig(env)
  const node = await startNode(config)
  const app = await createNodeServer(node)
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await node.stop()
    throw listenError(error, config.host, config.port)
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  console.log(
    `World Page Speed serving http://${shownHost}:${port} (region ${config.region}, node ${node.cluster.self.node})`,
  )

  const stop = async () => {
    await app.close()
    await node.stop()
  }
  onShutdownSignal(async (signal) => {
    console.error(`${signal}: stopping…`)
    await stop()
  })
  // Started by `wps dev` (or any parent) with an IPC channel: go when the parent goes.
  if (process.channel) process.once('disconnect', () => void stop().finally(() => process.exit(0)))
  return new Promise<number>(() => {})
}
