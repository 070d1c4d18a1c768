import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the Tributary server at /admin (core/src/server/admin-console.ts); the API is /graphql on the same origin.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, reportCompressedSize: false },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000' } },
});
