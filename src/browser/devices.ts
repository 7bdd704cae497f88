/**
 * The devices a page can be measured as. The viewport is emulated exactly through CDP
 * (`Emulation.setDeviceMetricsOverride`): the window flag alone gives a headless page
 * 1350×853, not the 1350×940 of Lighthouse's desktop preset. `mobile` is a Moto G
 * Power-like phone, as Lighthouse's mobile preset: 412×823 at DPR 1.75, a mobile user
 * agent and touch.
 *
 *   const device = deviceProfile('mobile', await browser.version())
 *   device.viewport          // → { width: 412, height: 823, deviceScaleFactor: 1.75 }
 *   device.userAgent         // → 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) … Chrome/156.0.… Mobile Safari/537.36'
 *
 * Desktop keeps the browser's own user agent (null here: the browser's is reported).
 */

export const DEVICE_NAMES = ['desktop', 'mobile'] as const
export type DeviceName = (typeof DEVICE_NAMES)[number]

export interface Viewport {
  width: number
  height: number
  deviceScaleFactor: number
}

export interface DeviceProfile {
  name: DeviceName
  viewport: Viewport
  mobile: boolean
  touch: boolean
  /** The user agent to send; null = the browser's own. */
  userAgent: string | null
}

export function isDeviceName(value: unknown): value is DeviceName {
  return typeof value === 'string' && (DEVICE_NAMES as readonly string[]).includes(value)
}

/** `chromeVersion` as `Browser.getVersion` says it (`HeadlessChrome/156.0.7258.5` or `156.0.7258.5`). */
export function deviceProfile(name: DeviceName, chromeVersion: string): DeviceProfile {
  if (name === 'desktop') {
    return {
      name,
      viewport: { width: 1350, height: 940, deviceScaleFactor: 1 },
      mobile: false,
      touch: false,
      userAgent: null,
    }
  }
  const version = /(\d+(?:\.\d+)*)\s*$/.exec(chromeVersion)?.[1] ?? '120.0.0.0'
  return {
    name,
    viewport: { width: 412, height: 823, deviceScaleFactor: 1.75 },
    mobile: true,
    touch: true,
    userAgent: `Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Mobile Safari/537.36`,
  }
}
