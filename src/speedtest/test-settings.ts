/**
 * What a test is measured on — the device emulated and the network's last mile — read
 * from whatever asks for a test: the API's JSON body, `wps run`'s flags. One parser, so
 * every entry point accepts exactly the same names; each says "no" in its own words
 * (a JSON field, a flag) from the same facts.
 *
 *   parseTestSettings({ device: 'mobile' })
 *   // → { ok: true, settings: { device: 'mobile', connectivity: 'native' } }
 *   parseTestSettings({ connectivity: 'dialup' })
 *   // → { ok: false, field: 'connectivity', allowed: ['native', 'cable', '4g', '3g', '3g-slow'], got: 'dialup' }
 */
import { DEVICE_NAMES, type DeviceName, isDeviceName } from '../browser/devices.ts'
import { CONNECTIVITY_NAMES, type ConnectivityName, isConnectivityName } from './connectivity.ts'

export interface TestSettings {
  device: DeviceName
  connectivity: ConnectivityName
}

/** What a test is measured on when it does not say. */
export const DEFAULT_TEST_SETTINGS: Readonly<TestSettings> = { device: 'desktop', connectivity: 'native' }

export type TestSettingsResult =
  | { ok: true; settings: TestSettings }
  | { ok: false; field: keyof TestSettings; allowed: readonly string[]; got: unknown }

/** Each setting absent (undefined) takes its default; anything else must be one of its names. */
export function parseTestSettings(input: { device?: unknown; connectivity?: unknown }): TestSettingsResult {
  const device = input.device ?? DEFAULT_TEST_SETTINGS.device
  if (!isDeviceName(device)) return { ok: false, field: 'device', allowed: DEVICE_NAMES, got: input.device }
  const connectivity = input.connectivity ?? DEFAULT_TEST_SETTINGS.connectivity
  if (!isConnectivityName(connectivity)) {
    return { ok: false, field: 'connectivity', allowed: CONNECTIVITY_NAMES, got: input.connectivity }
  }
  return { ok: true, settings: { device, connectivity } }
}
