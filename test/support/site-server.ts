/**
 * The set-up most HTTP API test files share: a fixture site and an in-process node
 * (node-server.ts) on loopback, both started before the tests of the enclosing
 * `describe` and both ended after them, the node first (its runners, their Chromium).
 *
 *   describe('HTTP API', () => {
 *     const stack = siteAndServer(startFixtureSite)           // env: { WPS_ALLOW_PRIVATE: '1' }
 *     it('runs a test', async () => {
 *       await fetch(`${stack.server.url}/api/tests`, { method: 'POST', body: … `${stack.site.url}/` … })
 *     })
 *   })
 *
 * Read `stack.site` and `stack.server` inside a test or hook: before `before` has run
 * there is neither, and reading one then throws.
 */
import { after, before } from 'node:test'
import { startTestServer, type TestServer } from './node-server.ts'

export interface SiteAndServer<Site> {
  readonly site: Site
  readonly server: TestServer
}

export function siteAndServer<Site extends { close(): Promise<void> }>(
  startSite: () => Promise<Site>,
  env: Record<string, string> = { WPS_ALLOW_PRIVATE: '1' },
): SiteAndServer<Site> {
  let site: Site | undefined
  let server: TestServer | undefined
  before(async () => {
    site = await startSite()
    server = await startTestServer(env)
  })
  after(async () => {
    await server?.close()
    await site?.close()
  })
  return {
    get site() {
      if (!site) throw new Error('the fixture site is not started yet (read it inside a test)')
      return site
    },
    get server() {
      if (!server) throw new Error('the node is not started yet (read it inside a test)')
      return server
    },
  }
}
