// Builds the renderer once before the browser tests, so they run against what ships (dist/renderer).
import path from 'node:path';
import { build } from 'vite';

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '../../..');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
