import { LocalBackend } from './backends/local.ts'
import { conformance } from './testing/conformance.ts'

conformance({
  name: 'local',
  // a little boot latency, so calls really do arrive while runners boot
  backend: () => new LocalBackend({ bootDelay: 30 }),
  kill: (backend, _pool, runnerId) => {
    if (!(backend as LocalBackend).kill(runnerId)) throw new Error(`no local runner ${runnerId}`)
  },
})
