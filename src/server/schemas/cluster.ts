/**
 * What the API says about the cluster: a live region member and a runner pool's state.
 *
 *   GET /api/regions → [regionEntrySchema]; GET /api/pools → [poolSchema]
 */

export const regionEntrySchema = {
  $id: 'RegionEntry',
  type: 'object',
  description: 'A live member of the cluster, placed on the map.',
  required: ['region', 'node', 'machineId', 'capacity'],
  properties: {
    region: { type: 'string' },
    node: { type: 'string' },
    machineId: { type: 'string' },
    capacity: { type: 'integer', description: 'measurements it runs at once' },
    httpUrl: { type: 'string' },
    city: { type: 'string' },
    country: { type: 'string' },
    lat: { type: 'number' },
    lon: { type: 'number' },
  },
} as const

export const poolSchema = {
  $id: 'Pool',
  type: 'object',
  description: 'A runner pool of this node: runners, busy slots, waiting callers, boots, failures.',
  required: ['name', 'runners', 'ready', 'draining', 'booting', 'busySlots', 'waiting'],
  properties: {
    name: { type: 'string' },
    runners: { type: 'integer', description: 'live runners: ready + draining' },
    ready: { type: 'integer' },
    draining: { type: 'integer' },
    booting: { type: 'integer' },
    busySlots: { type: 'integer' },
    waiting: { type: 'integer', description: 'callers waiting for a free slot' },
  },
} as const
