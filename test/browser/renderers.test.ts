/**
 * A measurement's context costs one renderer, the page's own (no spare renderer beside
 * it: launch.ts, UNUSED_PROCESSES). Chromium's headless mode
 * opens a window per context, and each window used to preload its omnibox popup — a
 * WebUI page in a renderer of its own, ~0.5 CPU-s of script start-up after `newPage()`
 * (launch.ts, HEADLESS_UNUSED_UI). Counted here from the process table: the renderers
 * of the browser's process group, by their command lines.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { launchChromium } from '../../src/browser/launch.ts'
import { listProcesses } from '../support/processes.ts'

function renderers(pgid: number): number[] {
  return listProcesses()
    .filter((info) => info.pgrp === pgid)
    .map((info) => info.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')
      } catch {
        return false
      }
    })
}

it('a new context with a page starts one renderer, and no browser UI renderer', async () => {
  const chromium = await launchChromium()
  try {
    const pgid = chromium.pid
    assert.ok(pgid)
    const before = renderers(pgid).length
    const contexts = []
    for (let i = 0; i < 3; i++) {
      const context = await chromium.browser.createBrowserContext(chromium.contextOptions)
      await context.newPage()
      contexts.push(context)
    }
    // a popup preloaded for a window comes a little after its page: give it the time it took
    await new Promise((resolve) => setTimeout(resolve, 1500))
    // 3 pages; with the omnibox popups and a spare renderer per context it was 7 or more
    const started = renderers(pgid).length - before
    assert.equal(started, 3, `${started} renderers for 3 contexts`)
    for (const context of contexts) await context.close()
  } finally {
    await chromium.close()
  }
})
