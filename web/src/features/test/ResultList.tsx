/**
 * One test's results: its state told truthfully (outcome.ts), share and export, the
 * world map, the regions side by side, the ratings legend, then the live rows keyed by
 * node and labelled by region (enriched with the city from /api/regions), each with its
 * waterfall. The list is an aria-live region, so status changes are announced as they
 * arrive.
 *
 *   <ResultList test={test} regions={members} connection="live" />
 */
import type { RegionInfo, SpeedTest } from '../../api.ts'
import { cityOf } from '../form/RegionPicker.tsx'
import { WorldMap } from '../map/WorldMap.tsx'
import { RatingsLegend } from '../ratings/Legend.tsx'
import { RegionCompare } from '../region-compare/RegionCompare.tsx'
import { ShareBar } from '../share/ShareBar.tsx'
import { testOutcome } from './outcome.ts'
import { ResultRow } from './ResultRow.tsx'
import type { Connection } from './useSpeedTest.ts'

interface Props {
  test: SpeedTest
  regions: RegionInfo[]
  connection: Connection
}

const connectionNote: Partial<Record<Connection, string>> = {
  reconnecting: 'Reconnecting to live updates…',
  lost: 'Lost the live connection. Reload the page to see the latest results.',
}

export function ResultList({ test, regions, connection }: Props) {
  const cities = new Map<string, string>()
  for (const info of regions) {
    const city = cityOf(info)
    if (city) cities.set(info.region, city)
  }
  const perRegion = new Map<string, number>()
  for (const row of test.results) perRegion.set(row.region, (perRegion.get(row.region) ?? 0) + 1)
  const running = test.state !== 'done'
  const note = running ? connectionNote[connection] : undefined
  const finished = test.results.filter((row) => row.status === 'complete' || row.status === 'error').length
  const outcome = testOutcome(test)
  const filmstripEndMs = Math.max(
    0,
    ...test.results.flatMap((row) => (row.artifacts?.filmstrip ?? []).map((frame) => frame.at)),
  )

  return (
    <section class="results" aria-labelledby="results-title">
      <header class="results-head">
        <h2 id="results-title">
          <a class="tested-url mono" href={test.url} rel="noreferrer noopener" target="_blank">
            {test.url}
          </a>
        </h2>
        <p class="results-meta">
          <span class={`state state--${outcome.tone}`} data-testid="test-state" data-state={test.state}>
            {outcome.text}
          </span>
          {test.results.length > 0 ? (
            <span>
              {finished} of {test.results.length} {test.results.length === 1 ? 'region' : 'regions'} finished
            </span>
          ) : null}
          <time dateTime={test.createdAt}>{new Date(test.createdAt).toLocaleString()}</time>
        </p>
        {note ? (
          <p class="connection-note" role="status">
            {note}
          </p>
        ) : null}
        <ShareBar id={test.id} url={test.url} done={!running} />
      </header>
      {test.results.length > 0 ? (
        <>
          <WorldMap rows={test.results} regions={regions} />
          <RegionCompare rows={test.results} places={cities} />
          <RatingsLegend />
        </>
      ) : null}
      <ol class="rows" aria-live="polite">
        {test.results.map((result) => (
          <ResultRow
            key={result.node}
            result={result}
            place={cities.get(result.region)}
            showNode={(perRegion.get(result.region) ?? 0) > 1}
            testedUrl={test.url}
            filmstripEndMs={filmstripEndMs}
          />
        ))}
      </ol>
      {test.results.length === 0 && running ? <p class="waiting">Waiting for regions to start…</p> : null}
    </section>
  )
}
