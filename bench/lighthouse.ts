/**
 * What a Lighthouse audit costs a region: the wall time of one audit (`host.lighthouse`,
 * the call the runner's lighthouseAudit task makes) on the fixture site's pages, desktop
 * and mobile, in one warm Chromium, one at a time as the machine budget makes them run;
 * and the size of the report JSON that crosses the cluster (NATS: 1 MB per message by
 * default) and of the HTML the owning node renders from it.
 *
 *   npm run bench -- lighthouse
 */
import type { DeviceName } from '../src/browser/devices.ts'
import { BrowserHost } from '../src/browser/index.ts'
import { lighthouseFiles } from '../src/speedtest/lighthouse-files.ts'
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import { median } from './support.ts'

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export async function benchLighthouse(runs = 3): Promise<Record<string, number>> {
  const site = await startFixtureSite()
  const host = await BrowserHost.launch()
  const figures: Record<string, number> = {}
  try {
    console.log(`\n## Lighthouse per region (${runs} audits per case, warm Chromium, one at a time)`)
    for (const device of ['desktop', 'mobile'] as DeviceName[]) {
      for (const page of [FACTS.rich.path, FACTS.lcp.path]) {
        const took: number[] = []
        let jsonBytes = 0
        let htmlBytes = 0
        for (let i = 0; i < runs; i++) {
          const started = performance.now()
          const outcome = await host.lighthouse(`${site.url}${page}`, { device, timeoutMs: 60_000 })
          took.push(performance.now() - started)
          if (!outcome.ok) throw new Error(`audit failed: ${outcome.error.message}`)
          const files = await lighthouseFiles([{ name: 'lighthouse.json', text: outcome.report }])
          jsonBytes = files.find((f) => f.name === 'lighthouse.json')?.data.length ?? 0
          htmlBytes = files.find((f) => f.name === 'lighthouse.html')?.data.length ?? 0
        }
        const key = `${device}${page.replace('/', '-')}`
        figures[`${key}MedianMs`] = median(took)
        figures[`${key}JsonKb`] = jsonBytes / 1024
        console.log(
          `${device.padEnd(8)} ${page.padEnd(5)} audit ${seconds(median(took))} median (${seconds(Math.min(...took))}–${seconds(Math.max(...took))}; target ≤ 14 s)   ` +
            `JSON ${(jsonBytes / 1024).toFixed(0)} KB (target ≤ 512 KB of NATS's 1 MB)   HTML ${(htmlBytes / 1024).toFixed(0)} KB`,
        )
      }
    }
    return figures
  } finally {
    await host.close()
    await site.close()
  }
}
