import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrationSuite } from './testing/migration-suite.ts'

migrationSuite('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-migrate-'))
  return {
    location: { kind: 'sqlite', file: join(dir, 'nested', 'wps.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})
