import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_TEST_SETTINGS, parseTestSettings } from './test-settings.ts'

describe('parseTestSettings', () => {
  it('takes the defaults for what is not given, and the names given', () => {
    assert.deepEqual(parseTestSettings({}), { ok: true, settings: DEFAULT_TEST_SETTINGS })
    assert.deepEqual(parseTestSettings({ device: 'mobile', connectivity: '3g-slow' }), {
      ok: true,
      settings: { device: 'mobile', connectivity: '3g-slow' },
    })
  })

  it('names the field, what it allows and what it got, device first', () => {
    assert.deepEqual(parseTestSettings({ device: 'tablet', connectivity: 'dialup' }), {
      ok: false,
      field: 'device',
      allowed: ['desktop', 'mobile'],
      got: 'tablet',
    })
    assert.deepEqual(parseTestSettings({ connectivity: '3G' }), {
      ok: false,
      field: 'connectivity',
      allowed: ['native', 'cable', '4g', '3g', '3g-slow'],
      got: '3G',
    })
    assert.deepEqual(parseTestSettings({ connectivity: 4 }), {
      ok: false,
      field: 'connectivity',
      allowed: ['native', 'cable', '4g', '3g', '3g-slow'],
      got: 4,
    })
  })
})
