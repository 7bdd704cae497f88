/**
 * The form's "Lighthouse audit" choice: off by default, since an audit adds 8–14 s to
 * every region's row.
 *
 *   <LighthouseToggle checked={lighthouse} onChange={setLighthouse} disabled={busy} />
 */
import styles from './lighthouse.module.css'

interface Props {
  checked: boolean
  onChange: (checked: boolean) => void
  disabled?: boolean
}

export function LighthouseToggle({ checked, onChange, disabled = false }: Props) {
  return (
    <label
      class={styles.toggle}
      title="Also run a Lighthouse performance audit in every region (about 10 s more)"
    >
      <input
        type="checkbox"
        name="lighthouse"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      Lighthouse
    </label>
  )
}
