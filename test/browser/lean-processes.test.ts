/**
 * A measurement's Chromium runs no process it does not need (launch.ts: HEADLESS_UNUSED_UI,
 * UNUSED_PROCESSES):
 * with one context and its blank page open it has exactly one renderer — the page's, no
 * spare renderer beside it and no preloaded address-bar popup (`chrome://omnibox-popup…`)
 * in a renderer of its own — and the navigation to a site loads in that same renderer,
 * so the spare renderer Chromium would keep is never what a measured page runs in.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { launchChromium } from '../../src/browser/launch.ts'
import { openSlot } from '../../src/browser/slot.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { descendantsOf } from '../support/processes.ts'

/** The renderer processes of the browser `pid` (its zygote's children). */
function renderers(pid: number): number[] {
  // Chromium rewrites a helper's command line into one space-separated string.
  return descendantsOf(pid)
    .filter((info) => / --type=renderer( |$)/.test(info.command))
    .map((info) => info.pid)
}

describe('a lean browser', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(() => site?.close())

  it('runs one renderer per open context, the measured page included, and no browser UI page', async () => {
    const chromium = await launchChromium()
    try {
      const slot = await openSlot(chromium.browser, chromium.contextOptions)
      // Chromium starts its spare renderer and the popup's page moments after the window opens.
      await sleep(1000)
      const browserSession = await chromium.browser.target().createCDPSession()
      const { targetInfos } = await browserSession.send('Target.getTargets')
      const urls = targetInfos.map((t) => t.url)
      assert.ok(!urls.some((u) => u.startsWith('chrome://')), `no browser UI page: ${urls.join(', ')}`)
      const pid = chromium.pid as number
      const before = renderers(pid)
      assert.equal(before.length, 1, `one renderer, the blank page's: ${before.join(', ')}`)

      const { loaderId, errorText } = await slot.session.send('Page.navigate', {
        url: `${site.url}${FACTS.rich.path}`,
      })
      assert.equal(errorText, undefined)
      await slot.loaded(loaderId ?? '')
      await sleep(300)
      assert.deepEqual(renderers(pid), before, 'the site loaded in the blank page’s renderer')
      await slot.context.close()
    } finally {
      await chromium.close()
    }
  })
})
