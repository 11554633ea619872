/**
 * Electron entry point (bundled to dist/electron/main.cjs by `npm run build:electron`).
 *
 * The host's composition root (issue 9, branch h-host) is not merged yet, so the shell starts with an empty
 * contract: every call is refused ROUTE_NOT_FOUND by the guard and the UI shows its sign-in screen. Binding
 * the host's contract and handler table here is the next step (docs/app.md "What is missing").
 */
import path from 'node:path';
import { startShell } from './shell';

const root = path.resolve(__dirname, '..');

void startShell({
  kiosk: process.argv.includes('--kiosk') || process.env.COUNTER_KIOSK === '1',
  rendererDir: path.join(root, 'renderer'),
  preloadPath: path.join(root, 'electron', 'preload.cjs'),
  contract: { commands: {} },
  dispatch: () =>
    Promise.resolve({ ok: false, error: { code: 'ROUTE_NOT_FOUND', message: 'The host is not wired yet.' } }),
});
