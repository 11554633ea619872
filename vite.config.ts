// Builds the renderer into dist/renderer. No React plugin: esbuild's automatic JSX runtime is all the build
// needs (no fast refresh), which keeps Babel out of the dependency tree.
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: path.resolve(import.meta.dirname, 'src-renderer'),
  // Relative asset URLs: the same build is served by the loopback bridge and by Electron's app:// protocol.
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    reportCompressedSize: true,
  },
});
