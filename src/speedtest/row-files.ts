/**
 * The files a row links to: its filmstrip images, its gathered data and its Lighthouse
 * reports. They go to the store beside the row, ahead of the row that links to them
 * (a test's writes are applied in order), and never into the row itself, so a row stays
 * small and no one hears of a link whose file is not there yet.
 *
 *   const files = new RowFiles(store, { write: (testId, work) => …queue it…, report: console.error })
 *   run.update(node, files.keep(testId, node, update))          // images, gathered data → store
 *   files.settleWithReports(run, node, update, update.reports)  // a final row with Lighthouse reports
 *   await files.get(testId, node, 'frame-0.jpg')                // → { contentType, data } | null
 */
import type { StoredFile, TestStore } from '../store/index.ts'
import { gatheredFile } from './gathered-artifact.ts'
import { lighthouseFiles } from './lighthouse-files.ts'
import type { RegionUpdate, RowReport } from './protocol.ts'
import type { TestRun } from './test-run.ts'

/** How the files reach the store: in order with the test's other writes; failures reported. */
export interface RowWriter {
  write(testId: string, work: (store: TestStore) => Promise<void>): void
  report(error: unknown): void
}

export class RowFiles {
  readonly #store: TestStore
  readonly #writer: RowWriter

  constructor(store: TestStore, writer: RowWriter) {
    this.#store = store
    this.#writer = writer
  }

  /**
   * A row's images and gathered data go to the store, ahead of the row that links to
   * them (writes are in order), and never into the row itself; its Lighthouse report
   * has gone there already (settleWithReports).
   */
  keep(testId: string, node: string, update: RegionUpdate): RegionUpdate {
    const { images, gathered, reports: _reports, ...row } = update
    const files: StoredFile[] = (images ?? []).map((image) => ({
      name: image.name,
      contentType: 'image/jpeg',
      data: Buffer.from(image.jpeg, 'base64'),
    }))
    if (gathered) files.push(gatheredFile(gathered))
    if (files.length > 0) this.#writer.write(testId, (store) => store.saveFiles(testId, node, files))
    return row
  }

  /**
   * A final row with a Lighthouse report: the report's HTML is rendered (a few hundred ms)
   * and handed to the store before the row that links to it is applied, so no one hears
   * of a link whose file is not there yet. A report that cannot be rendered costs the row
   * its report links, never its numbers.
   */
  settleWithReports(run: TestRun, node: string, update: RegionUpdate, reports: readonly RowReport[]): void {
    this.#writer.write(run.id, async (store) => {
      let row: RegionUpdate = update
      try {
        const files = await lighthouseFiles(reports)
        if (files.length > 0) await store.saveFiles(run.id, node, files)
        else row = withoutReportLinks(update)
      } catch (error) {
        this.#writer.report(error)
        row = withoutReportLinks(update)
      } finally {
        run.update(node, this.keep(run.id, node, row))
      }
    })
  }

  /** A file a row links to (`artifacts`), or null. */
  get(testId: string, node: string, name: string): Promise<StoredFile | null> {
    return this.#store.getFile(testId, node, name)
  }
}

function withoutReportLinks(update: RegionUpdate): RegionUpdate {
  if (!update.artifacts?.lighthouse) return update
  const { lighthouse: _links, ...artifacts } = update.artifacts
  return { ...update, artifacts }
}
