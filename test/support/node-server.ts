/**
 * An in-process node with its HTTP server on a free loopback port — the whole stack of
 * `wps serve` minus the process boundary, for API tests.
 *
 *   const server = await startTestServer({ WPS_ALLOW_PRIVATE: '1' })
 *   await fetch(`${server.url}/api/regions`)
 *   await server.close()
 */
import { readConfig } from '../../src/cli/config.ts'
import { type Node, startNode } from '../../src/cli/node.ts'
import { createNodeServer } from '../../src/cli/serve.ts'
import { freshDataDir } from './data-dir.ts'

export interface TestServer {
  url: string
  node: Node
  close(): Promise<void>
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = readConfig({
    WPS_POOL_BACKEND: 'local',
    WPS_POOL_IDLE_SHUTDOWN_MS: '60000',
    WPS_DATA_DIR: freshDataDir('server'),
    // Every fixture is on 127.0.0.1: the per-host limit would stop a test file's 11th test.
    WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
    WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
    ...env,
  })
  const node = await startNode(config)
  const app = await createNodeServer(node)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('server has no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    node,
    close: async () => {
      await app.close()
      await node.stop()
    },
  }
}
