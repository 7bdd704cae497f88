/**
 * The store on a real PostgreSQL server (started on a temporary data folder and port):
 * the same cases as on SQLite, and the upgrade from schema 001.
 */
import { after } from 'node:test'
import { TestStore } from '../../src/store/test-store.ts'
import { migrationSuite } from '../../src/store/testing/migration-suite.ts'
import { storeSuite } from '../../src/store/testing/store-suite.ts'
import { type Postgres, startPostgres } from '../support/postgres.ts'

const server: Promise<Postgres> = startPostgres()
after(async () => (await server).stop())

storeSuite('PostgreSQL', async () => {
  const store = await TestStore.open({ location: { kind: 'postgres', url: (await server).url } })
  return { store, close: () => store.close() }
})

migrationSuite('PostgreSQL', async () => {
  const url = await (await server).createDatabase('upgrade')
  return { location: { kind: 'postgres', url }, cleanup: async () => {} }
})
