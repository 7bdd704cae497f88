import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FlyApiError, parseGuest, parseMachine } from './fly-api.ts'

describe('Fly guest sizes', () => {
  it('reads presets with their standard memory, and an explicit memory', () => {
    assert.deepEqual(parseGuest('performance-2x'), { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 })
    assert.deepEqual(parseGuest('shared-cpu-4x'), { cpu_kind: 'shared', cpus: 4, memory_mb: 1024 })
    assert.deepEqual(parseGuest('performance-2x:8192'), { cpu_kind: 'performance', cpus: 2, memory_mb: 8192 })
  })

  it('refuses what Fly has no guest for, saying what it takes', () => {
    assert.throws(() => parseGuest('huge'), /not a Fly guest size \(e\.g\. performance-2x/)
    assert.throws(() => parseGuest('performance-3x'), /1, 2, 4, 8 or 16 CPUs, not 3/)
    assert.throws(() => parseGuest('shared-cpu-1x:300'), /multiple of 256 MB, not 300/)
  })
})

describe('Fly machine objects', () => {
  it('keeps the fields a pool reads, metadata from config', () => {
    const m = parseMachine({
      id: '3d8d9b21c47e89',
      name: 'flame-browser-1-abc',
      state: 'started',
      region: 'fra',
      private_ip: 'fdaa:0:1::2',
      instance_id: '01H',
      created_at: '2026-12-01T00:00:00Z',
      config: { metadata: { flame_parent_id: 'p-1', count: 3 } },
      extra: 'ignored',
    })
    assert.equal(m.id, '3d8d9b21c47e89')
    assert.deepEqual(m.metadata, { flame_parent_id: 'p-1' })
    assert.equal(m.created_at, '2026-12-01T00:00:00Z')
  })

  it('refuses an object without an id or state', () => {
    assert.throws(() => parseMachine({ state: 'started' }), FlyApiError)
    assert.throws(() => parseMachine({ id: 'x' }), /without "state"/)
  })
})
