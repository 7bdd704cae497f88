/**
 * What the filmstrip costs: the same page measured with and without it (screencast,
 * final screenshot, Speed Index by speedline-core), in one warm Chromium. Wall is the
 * whole `measure()` call; CPU is this process (where speedline runs) plus Chromium and
 * every renderer, including those of contexts already closed (their time is in the
 * reaping parent's cutime/cstime).
 *
 *   npm run bench -- filmstrip
 */
import { BrowserHost } from '../src/browser/index.ts'
import { startVisualSite } from '../test/browser/visual-site.ts'
import { fmt, median, treeCpuSeconds } from './support.ts'

interface Side {
  wallMs: number[]
  loadMs: number[]
  cpuSeconds: number
  frames: number[]
  imageBytes: number[]
}

export async function benchFilmstrip(runs = 12): Promise<Record<string, number>> {
  const site = await startVisualSite()
  const host = await BrowserHost.launch()
  const sides: Record<'on' | 'off', Side> = {
    on: { wallMs: [], loadMs: [], cpuSeconds: 0, frames: [], imageBytes: [] },
    off: { wallMs: [], loadMs: [], cpuSeconds: 0, frames: [], imageBytes: [] },
  }
  try {
    const url = `${site.url}/`
    for (let i = 0; i < 2; i++) await host.measure(url, { timeoutMs: 15_000 }) // warm
    // Alternate, so a machine that gets busier midway weighs on both sides alike.
    for (let i = 0; i < runs * 2; i++) {
      const side = i % 2 === 0 ? 'on' : 'off'
      await host.whenIdle()
      const cpuBefore = treeCpuSeconds(process.pid, { reaped: true })
      const started = performance.now()
      const m = await host.measure(url, { timeoutMs: 15_000, visuals: { filmstrip: side === 'on' } })
      sides[side].wallMs.push(performance.now() - started)
      await host.whenIdle()
      sides[side].cpuSeconds += treeCpuSeconds(process.pid, { reaped: true }) - cpuBefore
      if (m.error) throw new Error(`measurement failed: ${m.error.message}`)
      sides[side].loadMs.push(m.metrics.load ?? Number.NaN)
      const images = [...(m.visuals?.filmstrip ?? []).map((f) => f.jpeg), m.visuals?.screenshot ?? '']
      sides[side].frames.push(m.visuals?.filmstrip.length ?? 0)
      sides[side].imageBytes.push(images.reduce((sum, b64) => sum + Math.floor((b64.length * 3) / 4), 0))
    }
    const figures = {
      wallOnMedianMs: median(sides.on.wallMs),
      wallOffMedianMs: median(sides.off.wallMs),
      loadOnMedianMs: median(sides.on.loadMs),
      loadOffMedianMs: median(sides.off.loadMs),
      cpuOnSeconds: sides.on.cpuSeconds / runs,
      cpuOffSeconds: sides.off.cpuSeconds / runs,
      framesMedian: median(sides.on.frames),
      imageKbMedian: median(sides.on.imageBytes) / 1024,
    }
    const extraWall = figures.wallOnMedianMs - figures.wallOffMedianMs
    const extraCpu = figures.cpuOnSeconds - figures.cpuOffSeconds
    console.log(
      `\n## Filmstrip cost (${runs} loads each way of the visual fixture, warm Chromium, alternating)`,
    )
    console.log(`measure() wall, filmstrip off    ${fmt(figures.wallOffMedianMs)}`)
    console.log(
      `measure() wall, filmstrip on     ${fmt(figures.wallOnMedianMs)}   (+${fmt(extraWall)}; target ≤ +150 ms)`,
    )
    console.log(
      `page load, off / on              ${fmt(figures.loadOffMedianMs)} / ${fmt(figures.loadOnMedianMs)}   (the screencast must not slow the page: target ≤ +10%)`,
    )
    console.log(`CPU per load, off                ${figures.cpuOffSeconds.toFixed(3)} CPU-s`)
    console.log(
      `CPU per load, on                 ${figures.cpuOnSeconds.toFixed(3)} CPU-s   (+${extraCpu.toFixed(3)}; target ≤ +0.15 CPU-s)`,
    )
    console.log(
      `frames kept (median)             ${figures.framesMedian}, images ${figures.imageKbMedian.toFixed(0)} KB per row (budget ${Math.round((600_000 * 3) / 4 / 1024)} KB)`,
    )
    return figures
  } finally {
    await host.close()
    await site.close()
  }
}
