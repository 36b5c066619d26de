/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the app on :5173 and proxies the API (HTTP and WebSocket) to a
// `promptops` server on :8080 (or PROMPTOPS_API).
const api = process.env.PROMPTOPS_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/healthz': api,
      '/readyz': api,
    },
  },
  build: {
    // The binary embeds whatever lands here (PROMPTOPS_WEB_OUT_DIR, set by server/build.rs).
    outDir: process.env.PROMPTOPS_WEB_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
