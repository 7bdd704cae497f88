/**
 * `wps serve [--port N]`: a node with its web page and API. Prints the URL it serves,
 * and on SIGTERM/SIGINT ends running tests, runners and browsers before exiting.
 */
import { fileURLToPath } from 'node:url'
import { buildServer } from '../server/app.ts'
import { parseArgs } from './args.ts'
import { readConfig } from './config.ts'
import { startNode } from './node.ts'
import { onShutdownSignal } from './signals.ts'

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

export async function serve(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, { port: 'value', host: 'value' })
  const env = { ...process.env }
  if (typeof options.port === 'string') env.PORT = options.port
  if (typeof options.host === 'string') env.HOST = options.host
  const config = readConfig(env)
  const node = await startNode(config)
  const app = await buildServer({
    speedTests: node.speedTests,
    cluster: node.cluster,
    pools: () => [node.pool.stats()],
    webRoot: WEB_ROOT,
    startsPerMinute: config.startsPerMinute,
  })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await node.stop()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  console.log(
    `World Page Speed serving http://${shownHost}:${port} (region ${config.region}, node ${node.cluster.self.node})`,
  )

  return new Promise((resolve) => {
    onShutdownSignal(async (signal) => {
      console.error(`${signal}: stopping…`)
      await app.close()
      await node.stop()
      resolve(0)
    })
  })
}
