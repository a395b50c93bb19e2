import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one static bundle served by both hosts: app:// in Electron, http in browser
// mode. Relative asset paths make it work under either.
export default defineConfig({
  root: 'renderer',
  base: './',
  publicDir: '../assets',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
  },
});
