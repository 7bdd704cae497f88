/**
 * What the page looked like as it loaded: frames in slots on a time axis shared by every
 * region (the parent passes the same `endMs` to each), so rows one above the other show
 * which region painted first. A slot where the picture changed is outlined. Drawn only
 * when the row carries frames (`artifacts.filmstrip`).
 *
 *   <Filmstrip frames={row.artifacts.filmstrip} endMs={latestFrameOfAnyRegion} />
 */
import { formatMs } from '../../../../src/format/index.ts'
import styles from './filmstrip.module.css'
import { type Frame, frameSlots, slotStep } from './slots.ts'

interface Props {
  frames: Frame[]
  endMs: number
}

export function Filmstrip({ frames, endMs }: Props) {
  const slots = frameSlots(frames, slotStep(endMs), endMs)
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls sideways on narrow screens; keyboard users must be able to scroll it (WCAG 2.1.1)
    <section class={styles.scroller} data-testid="filmstrip" aria-label="Filmstrip, scrollable" tabIndex={0}>
      <ol class={styles.strip}>
        {slots.map((slot) => (
          <li key={slot.at} class={slot.changed ? styles.changed : undefined}>
            {slot.url ? (
              <img src={slot.url} alt={`The page at ${formatMs(slot.at)}`} loading="lazy" />
            ) : (
              <span class={styles.blank}>blank</span>
            )}
            <span class={styles.time}>{formatMs(slot.at)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}
