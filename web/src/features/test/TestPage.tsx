/**
 * `/tests/:id`: one test, live. Loads it (a permalink shows what is known at once),
 * follows its event stream while it runs, and says plainly when it is missing or
 * cannot be read.
 *
 *   <TestPage id="abc" regions={members} onUrl={(url) => …} />
 */
import { useEffect } from 'preact/hooks'
import type { RegionInfo } from '../../api.ts'
import { ResultList } from './ResultList.tsx'
import { useSpeedTest } from './useSpeedTest.ts'

interface Props {
  id: string
  regions: RegionInfo[]
  /** Tells the form which URL this test measured, so "run again" is one press. */
  onUrl: (url: string | undefined) => void
}

export function TestPage({ id, regions, onUrl }: Props) {
  const view = useSpeedTest(id)
  const testedUrl = view.phase === 'ready' ? view.test.url : undefined
  useEffect(() => {
    onUrl(testedUrl)
    document.title = testedUrl ? `${testedUrl} · World Page Speed` : 'World Page Speed'
  }, [testedUrl, onUrl])

  if (view.phase === 'loading')
    return (
      <p class="placeholder" role="status">
        Loading test…
      </p>
    )
  if (view.phase === 'not_found')
    return (
      <div class="placeholder placeholder--problem" role="alert">
        <h2>Test not found</h2>
        <p>
          There is no test <span class="mono">{view.id}</span>. It may have expired; run a new one above.
        </p>
      </div>
    )
  if (view.phase === 'failed')
    return (
      <div class="placeholder placeholder--problem" role="alert">
        <h2>Could not load this test</h2>
        <p>{view.message}</p>
      </div>
    )
  if (view.phase === 'ready')
    return <ResultList test={view.test} regions={regions} connection={view.connection} />
  return null
}
