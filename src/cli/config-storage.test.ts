import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ConfigError, readConfig } from './config.ts'

it('keeps tests in ./data by default, in memory for one-off runs unless a place is given', () => {
  assert.deepEqual(readConfig({}).storage, { dataDir: './data', databaseUrl: null, retentionDays: 30 })
  assert.equal(readConfig({}, { memoryStore: true }).storage.dataDir, null)
  assert.equal(readConfig({ WPS_DATA_DIR: '/srv/wps' }, { memoryStore: true }).storage.dataDir, '/srv/wps')
  assert.equal(readConfig({ WPS_RETENTION_DAYS: '0' }).storage.retentionDays, 0)
  assert.throws(() => readConfig({ WPS_RETENTION_DAYS: '-1' }), /WPS_RETENTION_DAYS/)
  assert.throws(() => readConfig({ WPS_RETENTION_DAYS: 'forever' }), /WPS_RETENTION_DAYS/)
})

it('takes DATABASE_URL only as a postgres:// URL', () => {
  const url = 'postgres://wps:secret@db.internal:5432/wps'
  assert.equal(readConfig({ DATABASE_URL: url }).storage.databaseUrl, url)
  assert.equal(readConfig({ DATABASE_URL: 'postgresql://db/wps' }).storage.databaseUrl, 'postgresql://db/wps')
  for (const bad of ['mysql://db/wps', 'db.internal:5432', 'postgres://']) {
    assert.throws(() => readConfig({ DATABASE_URL: bad }), ConfigError, bad)
  }
})
