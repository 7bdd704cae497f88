/**
 * The URL form: an input, a Go button and, when there is a cluster, the region
 * picker. It checks the obvious locally, then `POST /api/tests`; a refusal from
 * the server (invalid_url, blocked_address, unknown_region, rate_limited) is
 * shown inline under the input exactly like a local one. On success it
 * navigates to the test's permalink, where the rows come alive. On a deploy that
 * needs an API key (`GET /api/access`, or a 401 the page did not expect) it shows an
 * API key field; the key is kept in this browser (api-key.ts) and sent as the API's
 * Bearer authorization, and a refused key is said so in words.
 *
 *   <UrlForm initialUrl={test?.url} regions={members} />
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, createTest, getAccess, type RegionInfo } from '../../api.ts'
import { apiKeyErrorText, submitErrorText } from '../../errors.ts'
import { navigate, testPath } from '../../routes.ts'
import { LighthouseToggle } from '../lighthouse/LighthouseToggle.tsx'
import { authorization, loadApiKey, saveApiKey } from './api-key.ts'
import { RegionPicker, uniqueRegions } from './RegionPicker.tsx'
import { checkUrl } from './url.ts'

interface Props {
  initialUrl?: string | undefined
  regions: RegionInfo[]
}

export function UrlForm({ initialUrl, regions }: Props) {
  const [value, setValue] = useState(initialUrl ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [runs, setRuns] = useState(1)
  const [needsKey, setNeedsKey] = useState(false)
  const [apiKey, setApiKey] = useState(loadApiKey)
  const [lighthouse, setLighthouse] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const keyInput = useRef<HTMLInputElement>(null)
  const regionNames = uniqueRegions(regions).map((info) => info.region)

  useEffect(() => {
    if (initialUrl) setValue(initialUrl)
  }, [initialUrl])

  useEffect(() => {
    const abort = new AbortController()
    // An older server has no /api/access: then a 401 is how the page learns.
    getAccess(abort.signal).then(
      (access) => setNeedsKey(access.startNeedsKey),
      () => {},
    )
    return () => abort.abort()
  }, [])

  // Every region is chosen by default, including ones that join later.
  const known = useRef(new Set<string>())
  useEffect(() => {
    const fresh = regionNames.filter((name) => !known.current.has(name))
    if (fresh.length === 0) return
    for (const name of fresh) known.current.add(name)
    setSelected((current) => new Set([...current, ...fresh]))
  }, [regionNames.join(',')])

  const fail = (message: string, field: 'url' | 'key' = 'url') => {
    setError(message)
    ;(field === 'key' ? keyInput : input).current?.focus()
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    if (busy) return
    const check = checkUrl(value)
    if (!check.ok) return fail(check.message)
    const chosen = regionNames.filter((name) => selected.has(name))
    if (regionNames.length > 1 && chosen.length === 0) return fail('Choose at least one region.')
    if (needsKey && !apiKey.trim()) return fail(apiKeyErrorText(false), 'key')
    setError(null)
    setBusy(true)
    try {
      // Send regions only when the user narrowed the choice; the server's default is "all".
      const created = await createTest(
        check.url,
        chosen.length < regionNames.length ? chosen : undefined,
        runs,
        { lighthouse, headers: needsKey ? authorization(apiKey) : {} },
      )
      if (needsKey) saveApiKey(apiKey)
      navigate(testPath(created.id))
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 'unauthorized') {
        const sent = needsKey && apiKey.trim() !== ''
        setNeedsKey(true)
        fail(apiKeyErrorText(sent), 'key')
      } else if (cause instanceof ApiError)
        fail(submitErrorText(cause.code, cause.message, cause.retryAfterSeconds))
      else fail('Something went wrong starting the test. Please try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="url-form" onSubmit={submit} noValidate>
      <label for="url" class="url-label">
        Page to test
      </label>
      <div class="url-row">
        <input
          ref={input}
          id="url"
          name="url"
          type="url"
          inputMode="url"
          autoComplete="url"
          spellcheck={false}
          placeholder="https://example.com"
          value={value}
          onInput={(event) => {
            setValue(event.currentTarget.value)
            if (error) setError(null)
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'url-error' : undefined}
        />
        <select
          id="runs"
          class="runs"
          aria-label="Runs per region"
          title="Load the page this many times per region and show the median run"
          value={String(runs)}
          onChange={(event) => setRuns(Number(event.currentTarget.value))}
          disabled={busy}
        >
          <option value="1">1 run</option>
          <option value="3">3 runs</option>
          <option value="5">5 runs</option>
        </select>
        <LighthouseToggle checked={lighthouse} onChange={setLighthouse} disabled={busy} />
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Go'}
        </button>
      </div>
      {needsKey ? (
        <div class="api-key">
          <label for="api-key">API key</label>
          <input
            ref={keyInput}
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={apiKey}
            onInput={(event) => {
              setApiKey(event.currentTarget.value)
              if (error) setError(null)
            }}
            aria-describedby="api-key-help"
            disabled={busy}
          />
          <span id="api-key-help" class="api-key-help">
            This server needs a key to start tests; it is kept in this browser.
          </span>
        </div>
      ) : null}
      {error ? (
        <p id="url-error" class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <RegionPicker regions={regions} selected={selected} onChange={setSelected} disabled={busy} />
    </form>
  )
}
