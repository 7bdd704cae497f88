/**
 * What `GET /api/access` answers: whether starting a test, and reading, need an API key
 * on this deploy (access-route.ts), so the page can ask for a key before the user presses Go.
 *
 *   app.get('/api/access', { schema: { response: { 200: accessSchema } } }, …)
 *   // → { "startNeedsKey": true, "readsNeedKey": false }
 */

export const accessSchema = {
  type: 'object',
  required: ['startNeedsKey', 'readsNeedKey'],
  properties: {
    startNeedsKey: {
      type: 'boolean',
      description: 'WPS_API_KEYS is set: POST /api/tests needs Authorization: Bearer <key>',
    },
    readsNeedKey: {
      type: 'boolean',
      description: "WPS_API_KEYS_READ=1: the API's reads need it too",
    },
  },
} as const
