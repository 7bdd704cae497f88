/**
 * Reads the Prometheus text format, enough to assert on samples: each line
 * `name{label="value",…} number` becomes a sample one can look up by name and labels.
 *
 *   const metrics = parsePrometheus(await (await fetch(`${base}/metrics`)).text())
 *   metrics.value('wps_measurements_total', { region: 'local', status: 'complete', code: 'none' })   // → 1
 */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Scrape {
  samples: Sample[]
  /** The value of the one sample with this name whose labels include `labels`; undefined when none. */
  value(name: string, labels?: Record<string, string>): number | undefined
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parsePrometheus(text: string): Scrape {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (!match) throw new Error(`not a Prometheus sample: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key as string] = value as string
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) })
  }
  return {
    samples,
    value(name, labels = {}) {
      const found = samples.filter(
        (sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v),
      )
      if (found.length > 1)
        throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
      return found[0]?.value
    },
  }
}
