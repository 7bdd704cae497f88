/**
 * The store a node uses, from its settings: PostgreSQL when `DATABASE_URL` is set, else
 * SQLite in `WPS_DATA_DIR` (created when missing), else — for a one-off `wps run` — in
 * memory. Where artifacts go follows from that: files under the data folder beside a
 * SQLite file; inside the database when it is PostgreSQL, because nodes that share a
 * database on different machines share no disk.
 *
 *   const store = await openStore({ dataDir: './data', databaseUrl: null })   // ./data/wps.sqlite + ./data/artifacts/
 */
import { join } from 'node:path'
import { parseLocation } from './connect.ts'
import { TestStore } from './test-store.ts'

export interface StoreSettings {
  dataDir: string | null
  databaseUrl: string | null
}

export const ARTIFACTS_FOLDER = 'artifacts'

export function openStore(settings: StoreSettings): Promise<TestStore> {
  const location = parseLocation(settings)
  return TestStore.open({
    location,
    ...(location.kind === 'sqlite' && settings.dataDir
      ? { artifactsDir: join(settings.dataDir, ARTIFACTS_FOLDER) }
      : {}),
  })
}
