import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseLocation } from './connect.ts'
import { TestStore } from './test-store.ts'
import { storeSuite } from './testing/store-suite.ts'

storeSuite('SQLite with file artifacts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-store-test-'))
  const artifactsDir = join(dir, 'artifacts')
  const store = await TestStore.open({ location: parseLocation({ dataDir: dir }), artifactsDir })
  return {
    store,
    artifactFiles: (id) => (existsSync(join(artifactsDir, id)) ? readdirSync(join(artifactsDir, id)) : []),
    async close() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

storeSuite('SQLite in memory', async () => {
  const store = await TestStore.open({ location: { kind: 'memory' } })
  return { store, close: () => store.close() }
})
