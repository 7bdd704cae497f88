/**
 * Where a test runs from. With one region there is nothing to choose, so it
 * just says "Testing from: local"; once a cluster exists every region is a
 * checkbox, all ticked by default.
 *
 *   <RegionPicker regions={members} selected={chosen} onChange={setChosen} />
 */
import type { RegionInfo } from '../../api.ts'

interface Props {
  regions: RegionInfo[]
  selected: ReadonlySet<string>
  onChange: (selected: Set<string>) => void
  disabled?: boolean
}

/** One entry per region name (two nodes in a region are one choice). */
export function uniqueRegions(members: RegionInfo[]): RegionInfo[] {
  const seen = new Map<string, RegionInfo>()
  for (const member of members) if (!seen.has(member.region)) seen.set(member.region, member)
  return [...seen.values()].sort((a, b) => a.region.localeCompare(b.region))
}

/** The city a region is in, when known and more than its code (a laptop's `local` is just `local`). */
export const cityOf = (info: RegionInfo): string | null =>
  info.city && info.city.toLowerCase() !== info.region.toLowerCase() ? info.city : null

const placeName = (info: RegionInfo): string | null => {
  const city = cityOf(info)
  return city ? [city, info.country].filter(Boolean).join(', ') : null
}

export function RegionPicker({ regions, selected, onChange, disabled = false }: Props) {
  const choices = uniqueRegions(regions)
  const only = choices[0]
  if (choices.length === 0 || !only) return null
  if (choices.length === 1) {
    const place = placeName(only)
    return (
      <p class="testing-from">
        Testing from: <strong>{only.region}</strong>
        {place ? ` (${place})` : ''}
      </p>
    )
  }

  const toggle = (region: string, on: boolean) => {
    const next = new Set(selected)
    if (on) next.add(region)
    else next.delete(region)
    onChange(next)
  }

  return (
    <fieldset class="regions" disabled={disabled}>
      <legend>Test from</legend>
      {choices.map((info) => (
        <label key={info.region} class="region-choice">
          <input
            type="checkbox"
            name="region"
            value={info.region}
            checked={selected.has(info.region)}
            onChange={(event) => toggle(info.region, event.currentTarget.checked)}
          />
          <span class="region-code">{info.region}</span>
          {placeName(info) ? <span class="region-city">{placeName(info)}</span> : null}
        </label>
      ))}
    </fieldset>
  )
}
