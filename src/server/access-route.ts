/**
 * What needs an API key on this deploy, worked out once from `WPS_API_KEYS` and
 * `WPS_API_KEYS_READ` (api-keys.ts) and told to whoever asks: `GET /api/access` (always
 * open) answers it, so the page can ask for a key before the user presses Go, and the
 * OpenAPI document marks the reads as guarded when they are.
 *
 *   const access = accessOf({ keys: ['k1'], protectReads: false })   // { startNeedsKey: true, readsNeedKey: false }
 *   registerAccessRoute(app, access)
 *   // GET /api/access → { "startNeedsKey": true, "readsNeedKey": false }
 */
import type { FastifyInstance } from 'fastify'
import { ACCESS_PATH, type ApiKeysOptions } from './api-keys.ts'
import { accessSchema } from './schemas/index.ts'

export interface Access {
  /** Keys are set: starting a test needs one. */
  startNeedsKey: boolean
  /** Keys are set and WPS_API_KEYS_READ=1: the API's reads need one too. */
  readsNeedKey: boolean
}

/** No keys (`undefined` or an empty list): nothing needs one. */
export function accessOf(options: ApiKeysOptions | undefined): Access {
  const keyed = (options?.keys.length ?? 0) > 0
  return { startNeedsKey: keyed, readsNeedKey: keyed && !!options?.protectReads }
}

/** `GET /api/access`: whether starting a test (and reading) needs a key on this deploy. */
export function registerAccessRoute(app: FastifyInstance, access: Access): void {
  app.get(
    ACCESS_PATH,
    {
      schema: {
        tags: ['nodes'],
        summary: 'What needs an API key on this deploy (always open)',
        response: { 200: accessSchema },
      },
    },
    async () => access,
  )
}
