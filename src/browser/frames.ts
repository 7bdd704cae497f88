/**
 * What the page looked like, gathered beside the numbers: the device it was shown on
 * (emulated exactly, devices.ts), a filmstrip of the frames it painted (CDP screencast,
 * one frame per paint, started on the blank page before navigation so the first frame
 * is blank), a final screenshot, Speed Index and visually complete from those frames
 * (speed-index.ts), and the LCP element and shifted elements by selector (element-script.ts).
 *
 *   const visuals = await startVisuals(slot, { device: 'mobile', filmstrip: true })   // before Page.navigate
 *   // …navigate, wait for the end of the load…
 *   const seen = await visuals.finish(true)   // false: the page is not the site (error page, hung)
 *   seen.filmstrip       // → [{ at: 0, jpeg }, { at: 100, jpeg }, …, { at: 620, jpeg }]  (≤ 1 per 100 ms)
 *   seen.speedIndex, seen.visuallyComplete, seen.lcpElement, seen.layoutShifts, seen.settings
 *
 * A new slot is prepared for the default device as it opens (`prepareVisuals`, called by
 * `openSlot`): a measurement on a desktop then finds its page emulated and recording, and
 * `startVisuals` costs it nothing; another device is emulated and recorded afresh.
 *
 * The filmstrip keeps, per 100 ms, the last frame painted in it, up to visually complete
 * (and the frame that made it complete): what "at least every 100 ms" needs, and small.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser, BrowserContext, CDPSession, Protocol } from 'puppeteer-core'
import { type DeviceName, type DeviceProfile, deviceProfile } from './devices.ts'
import { asElementReport, ELEMENT_READ_EXPRESSION, ELEMENT_SCRIPT } from './element-script.ts'
import { speedIndexOf } from './speed-index.ts'
import type { DeviceSettings, Frame, Measurement, Visuals } from './types.ts'

/**
 * What of a slot (slot.ts) the visuals use. Named here rather than imported, because
 * slot.ts imports this module to prepare each new slot (`prepareVisuals`).
 */
export interface VisualSlot {
  session: CDPSession
  context: BrowserContext
  /** Prepared by `openSlot`, taken by the first `startVisuals`. */
  visuals?: DeviceRecording
  /** See `Slot.pageDone`. */
  pageDone?: () => Promise<void> | undefined
}

export interface VisualOptions {
  /** Default desktop. */
  device?: DeviceName
  /** Record the filmstrip and the final screenshot (default true). */
  filmstrip?: boolean
}

export interface VisualsRecording {
  /** Stops recording and reads what the page showed; `pageIsTheSite` false keeps only the settings. */
  finish(pageIsTheSite: boolean): Promise<Visuals>
}

export const FILMSTRIP_INTERVAL_MS = 100
const SCREENCAST = { format: 'jpeg', quality: 40, maxWidth: 320, maxHeight: 320, everyNthFrame: 1 } as const
const SCREENSHOT_QUALITY = 60
/** Reads and the screenshot must not hang on a page whose main thread never yields. */
const READ_TIMEOUT_MS = 1000

export interface RawFrame {
  /** Epoch ms the frame was painted (the screencast's own clock). */
  paintedAt: number
  jpeg: string
}

/**
 * A slot's page shown as a device, with the screencast recording: what `prepareVisuals`
 * sets up on a spare slot before its URL is known, and `startVisuals` otherwise.
 */
export interface DeviceRecording {
  device: DeviceName
  filmstrip: boolean
  settings: DeviceSettings
  /** Frames painted so far, in order (the blank page's first). */
  frames: RawFrame[]
  /** Stops the screencast and forgets its frames (the measurement wants another device). */
  discard(): Promise<void>
}

/**
 * Run by `openSlot` on every new slot, spare ones included, so a measurement on the
 * default device need not wait for any of it: the device emulated (desktop), the element
 * script installed, the browser's version and user agent read, the screencast started two
 * animation frames after the emulation, and its first frame (the blank page) in. That is
 * 30–100 ms (several CDP round trips and two frames) the measured test no longer waits
 * for between its POST and its navigation. It happens while no page loads: a spare slot is
 * opened once the previous measurement is done with its page (browser-host.ts).
 */
export async function prepareVisuals(slot: VisualSlot): Promise<DeviceRecording> {
  await slot.session.send('Page.addScriptToEvaluateOnNewDocument', { source: ELEMENT_SCRIPT })
  return recordAs(slot, 'desktop', true)
}

export async function startVisuals(slot: VisualSlot, opts: VisualOptions = {}): Promise<VisualsRecording> {
  const { session } = slot
  const wanted = opts.device ?? 'desktop'
  const filmstrip = opts.filmstrip ?? true
  const prepared = slot.visuals
  // Used once: a slot is prepared for its first navigation only.
  slot.visuals = undefined
  let recording: DeviceRecording
  if (prepared && prepared.device === wanted && prepared.filmstrip === filmstrip) recording = prepared
  else {
    if (prepared) await prepared.discard()
    else await session.send('Page.addScriptToEvaluateOnNewDocument', { source: ELEMENT_SCRIPT })
    recording = await recordAs(slot, wanted, filmstrip)
  }
  const { settings, frames } = recording
  // What came before this point was painted before the navigation was even asked for. The
  // screencast's clock and the page's timeOrigin can disagree by tens of ms under load, so
  // the blank start is known by order, not by timestamp.
  const beforeNavigation = frames.length

  return {
    async finish(pageIsTheSite) {
      // Stopping the screencast, the screenshot and the read of the page go to Chromium at
      // once; Speed Index is computed once they are in and the next spare context is open.
      const stopped = filmstrip ? bounded(session.send('Page.stopScreencast'), READ_TIMEOUT_MS) : null
      const none: Visuals = {
        settings,
        filmstrip: [],
        screenshot: null,
        speedIndex: null,
        visuallyComplete: null,
        lcpElement: null,
        layoutShifts: [],
      }
      if (!pageIsTheSite) {
        await stopped
        slot.pageDone?.()
        return none
      }
      const shot = filmstrip
        ? bounded(
            session.send('Page.captureScreenshot', { format: 'jpeg', quality: SCREENSHOT_QUALITY }),
            READ_TIMEOUT_MS,
          )
        : Promise.resolve(null)
      const read = await bounded(
        session.send('Runtime.evaluate', { expression: ELEMENT_READ_EXPRESSION, returnByValue: true }),
        READ_TIMEOUT_MS,
      )
      await stopped // no frame comes after this
      const report = read ? asElementReport(read.result.value) : null
      if (!report) {
        await shot
        slot.pageDone?.()
        return none
      }
      const screenshot = await shot
      // Gathering ends here. Speed Index below is synchronous computing on the frames, which
      // would stall the CDP round trips that open the next spare context: it waits for them
      // (bounded), so the spare is ready before this row goes out.
      await bounded(slot.pageDone?.() ?? Promise.resolve(), READ_TIMEOUT_MS)
      const timed = frames.map((f, i) => ({
        // After the navigation was asked for, so after its start whatever the clocks say.
        at: i < beforeNavigation ? -1 : Math.max(1, f.paintedAt - report.timeOrigin),
        jpeg: f.jpeg,
      }))
      const progress = await speedIndexOf(
        timed.filter((f) => f.at >= 0).map((f) => ({ atMs: f.at, jpeg: f.jpeg })),
      )
      return {
        settings,
        filmstrip: thinFilmstrip(timed, progress?.visuallyComplete ?? null),
        screenshot: screenshot?.data ?? null,
        speedIndex: progress?.speedIndex ?? null,
        visuallyComplete: progress?.visuallyComplete ?? null,
        frameTimes: timed.filter((f) => f.at >= 0).map((f) => Math.round(f.at * 10) / 10),
        lcpElement: report.lcp,
        layoutShifts: report.shifts.map((s) => ({
          score: Math.round(s.score * 10_000) / 10_000,
          at: Math.round(s.at),
          selectors: s.selectors,
        })),
      }
    },
  }
}

/** The browser's version and default user agent, read once per browser: they never change. */
const identities = new WeakMap<Browser, Promise<{ version: string; userAgent: string }>>()

function identityOf(browser: Browser): Promise<{ version: string; userAgent: string }> {
  let known = identities.get(browser)
  if (!known) {
    known = Promise.all([browser.version(), browser.userAgent()]).then(([version, userAgent]) => ({
      version,
      userAgent,
    }))
    known.catch(() => identities.delete(browser))
    identities.set(browser, known)
  }
  return known
}

/** Emulates `name` on the slot's page and, with `filmstrip`, starts the screencast on it. */
async function recordAs(slot: VisualSlot, name: DeviceName, filmstrip: boolean): Promise<DeviceRecording> {
  const { session } = slot
  const identity = await identityOf(slot.context.browser())
  const device = deviceProfile(name, identity.version)
  await emulate(session, device)
  const settings: DeviceSettings = {
    device: device.name,
    viewport: { ...device.viewport },
    userAgent: device.userAgent ?? identity.userAgent,
    browser: identity.version,
  }
  const frames: RawFrame[] = []
  const onFrame = (e: Protocol.Page.ScreencastFrameEvent): void => {
    const paintedAt = e.metadata.timestamp !== undefined ? e.metadata.timestamp * 1000 : Date.now()
    frames.push({ paintedAt, jpeg: e.data })
    session.send('Page.screencastFrameAck', { sessionId: e.sessionId }).catch(() => {})
  }
  if (filmstrip) {
    session.on('Page.screencastFrame', onFrame)
    // Two animation frames after the device emulation, so the screencast's first frame is
    // painted at the emulated size (one painted before it shows the window's size, with a
    // dark band below: not the blank start the filmstrip needs).
    // Bounded: a page that paints no frame (a browser closing around a spare being
    // prepared) must not hold the slot, and the host's close, for ever.
    await bounded(
      session.send('Runtime.evaluate', {
        expression: 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
        awaitPromise: true,
      }),
      READ_TIMEOUT_MS,
    )
    await session.send('Page.startScreencast', SCREENCAST)
    // The blank page's own frame, so the filmstrip starts from what the user saw before anything loaded.
    await waitFor(() => frames.length > 0, 500)
  }
  return {
    device: name,
    filmstrip,
    settings,
    frames,
    discard: async () => {
      if (!filmstrip) return
      session.off('Page.screencastFrame', onFrame)
      await session.send('Page.stopScreencast').catch(() => {})
    },
  }
}

/**
 * The frames worth keeping: the last one painted before navigation start (as at 0: the
 * blank page), then per 100 ms the last frame painted in it, up to and including the
 * frame that made the page visually complete (all of them without that figure).
 */
export function thinFilmstrip(frames: readonly Frame[], visuallyComplete: number | null): Frame[] {
  const sorted = [...frames].sort((a, b) => a.at - b.at)
  const before = sorted.filter((f) => f.at < 0).at(-1)
  const kept: Frame[] = before ? [{ at: 0, jpeg: before.jpeg }] : []
  const end = visuallyComplete ?? Number.POSITIVE_INFINITY
  const buckets = new Map<number, Frame>()
  for (const frame of sorted) {
    if (frame.at < 0 || frame.at > end + 1) continue // the figure is rounded
    buckets.set(Math.floor(frame.at / FILMSTRIP_INTERVAL_MS), frame)
  }
  for (const frame of buckets.values()) {
    const last = kept.at(-1)
    if (last && last.jpeg === frame.jpeg) continue // nothing changed
    kept.push({ at: Math.round(frame.at), jpeg: frame.jpeg })
  }
  return kept
}

async function emulate(session: CDPSession, device: DeviceProfile): Promise<void> {
  const { width, height, deviceScaleFactor } = device.viewport
  await Promise.all([
    session.send('Emulation.setDeviceMetricsOverride', {
      width,
      height,
      deviceScaleFactor,
      mobile: device.mobile,
      screenWidth: width,
      screenHeight: height,
    }),
    // A fresh context has no touch emulation: only a touch device needs to ask for it.
    ...(device.touch
      ? [session.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 })]
      : []),
    ...(device.userAgent
      ? [
          session.send('Emulation.setUserAgentOverride', {
            userAgent: device.userAgent,
            userAgentMetadata: {
              platform: 'Android',
              platformVersion: '11',
              architecture: '',
              model: 'moto g power (2022)',
              mobile: true,
              brands: [],
            },
          }),
        ]
      : []),
  ])
}

async function bounded<T>(work: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([work.catch(() => null), sleep(ms, null, { ref: false })])
}

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms
  while (!done() && performance.now() < until) await sleep(10)
}

/** The measurement with what the page looked like: Speed Index and visually complete among its metrics. */
export function withVisuals(measurement: Measurement, visuals: Visuals): Measurement {
  return {
    ...measurement,
    metrics: {
      ...measurement.metrics,
      speedIndex: visuals.speedIndex,
      visuallyComplete: visuals.visuallyComplete,
    },
    visuals,
  }
}
