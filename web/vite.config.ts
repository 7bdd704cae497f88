/**
 * Vite config for the World Page Speed front end. The root is `web/`, so
 * `npx vite build web` writes `web/dist/`, which the server serves statically
 * (and `index.html` for `/` and `/tests/:id`).
 *
 *   npx vite build web          # production build
 *   npx vite web                # dev server; /api is proxied to `wps serve` on WPS_API (default :4000)
 */
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

const api = process.env.WPS_API ?? 'http://127.0.0.1:4000'

export default defineConfig({
  plugins: [preact()],
  // Absolute asset paths: the same index.html is served at `/tests/:id`.
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
})
