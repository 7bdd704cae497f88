/**
 * "From everywhere at once" as a picture: a world map with one marker per region node
 * at its coordinates, each changing as its row moves (queued → starting → loading → the
 * colour of its LCP rating) with its headline number beside it. Beside the map, the same
 * rows as a list in words, which also holds regions whose place is not known.
 *
 *   <WorldMap rows={test.results} regions={regionsFromApi} />
 */
import { useMemo } from 'preact/hooks'
import type { RegionInfo, RegionResult } from '../../api.ts'
import styles from './map.module.css'
import { type Marker, markersFor, type Tone } from './markers.ts'
import { worldShape } from './projection.ts'

interface Props {
  rows: RegionResult[]
  regions: RegionInfo[]
}

const TONE_TEXT: Record<Tone, string> = {
  queued: 'queued',
  starting: 'starting',
  loading: 'loading',
  good: 'good',
  'needs-improvement': 'needs improvement',
  poor: 'poor',
  'error-page': 'error page',
  error: 'failed',
}

const label = (marker: Marker): string => marker.city ?? marker.region

export function WorldMap({ rows, regions }: Props) {
  const shape = useMemo(() => worldShape(), [])
  const markers = markersFor(rows, regions)
  const placed = markers.filter((marker) => marker.at)

  return (
    <section class={styles.map} data-testid="world-map" aria-label="Regions on the world map">
      <svg
        class={styles.svg}
        viewBox={`0 0 ${shape.width} ${shape.height}`}
        role="img"
        aria-label={`World map with ${placed.length} ${placed.length === 1 ? 'region' : 'regions'}`}
      >
        <path class={styles.sphere} d={shape.sphere} />
        <path class={styles.land} d={shape.land} />
        {placed.map((marker) => {
          const [x, y] = marker.at ?? [0, 0]
          const right = x < shape.width - 180
          return (
            <g
              key={marker.node}
              data-testid="map-marker"
              data-region={marker.region}
              data-status={marker.status}
              data-tone={marker.tone}
              class={`${styles.marker} ${styles[`tone-${marker.tone}`]}`}
              transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`}
            >
              <circle r="9" class={styles.dot} />
              <text x={right ? 14 : -14} y="5" text-anchor={right ? 'start' : 'end'} class={styles.text}>
                {label(marker)} · {marker.headline}
              </text>
            </g>
          )
        })}
      </svg>
      <ul class={styles.list}>
        {markers.map((marker) => (
          <li key={marker.node} data-region={marker.region} data-status={marker.status}>
            <span class={`${styles.swatch} ${styles[`tone-${marker.tone}`]}`} aria-hidden="true" />
            <strong>{label(marker)}</strong> <span class={styles.code}>{marker.region}</span>{' '}
            {marker.headline}
            <span class={styles.toneText}> ({TONE_TEXT[marker.tone]})</span>
            {marker.at ? null : <span class={styles.code}> · place unknown, not on the map</span>}
          </li>
        ))}
      </ul>
    </section>
  )
}
