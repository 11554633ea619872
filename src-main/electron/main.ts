/**
 * Electron entry point (bundled to dist/electron/main.cjs by `npm run build:electron`): the host (store,
 * checkout, card terminal) in the main process, its contract bound to IPC through the guard, its events pushed
 * to the window. Not run on the build machines (no Electron binary); docs/app.md says what is verified.
 */
import path from 'node:path';
import { app, dialog, safeStorage } from 'electron';
import { HOST_API } from '../../src-shared/host-api';
import { dispatch } from '../host/api';
import { createHost } from '../host/compose';
import { TERMINAL_SECRET_ENV } from '../host/sync-wiring';
import { createHostHandlers } from '../host/handlers';
import { contractEvent } from '../host/events';
import { createSecretStore } from './secret-store';
import { startShell } from './shell';

const root = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const dataDir = process.env.COUNTER_DATA_DIR ?? path.join(app.getPath('userData'), 'host');
  const fatal = async (message: string) => {
    // Not enrolled, no terminal configured, a newer database, no safe keystore…: say what to do.
    await app.whenReady();
    dialog.showErrorBox('Counter cannot start', message);
    app.exit(1);
  };
  // safeStorage answers only once the app is ready. The terminal's secret: from the environment on the first
  // start (then kept encrypted by the OS keystore), from the keystore afterwards; never in the database.
  await app.whenReady();
  const secrets = createSecretStore({
    safeStorage,
    file: path.join(app.getPath('userData'), 'secrets.json'),
    env: TERMINAL_SECRET_ENV,
  });
  const fromEnv = process.env[TERMINAL_SECRET_ENV];
  if (fromEnv) {
    const saved = secrets.save('the terminal secret', fromEnv);
    if (!saved.ok) console.warn(saved.error.message);
  }
  const stored = fromEnv ? null : secrets.load('the terminal secret');
  if (stored && !stored.ok) return fatal(stored.error.message);
  const secret = fromEnv ?? stored?.value ?? null;
  // An enrolment from the settings screen keeps the secret in the keystore too (refused where it is plain text).
  const created = createHost({
    dataDir,
    sync: 'settings',
    terminalSecret: secret ?? undefined,
    secretKeeper: {
      where: 'keystore',
      save: (value) => secrets.save('the terminal secret', value),
      load: () => secrets.load('the terminal secret'),
    },
  });
  if (!created.ok) return fatal(created.error.message);
  const host = created.value;
  const handlers = createHostHandlers(host);
  const shell = await startShell({
    kiosk: process.argv.includes('--kiosk') || process.env.COUNTER_KIOSK === '1',
    rendererDir: path.join(root, 'renderer'),
    preloadPath: path.join(root, 'electron', 'preload.cjs'),
    contract: HOST_API,
    dispatch: (command, input) => dispatch(handlers, command, input),
  });
  host.onEvent((e) => {
    const { event, payload } = contractEvent(e);
    shell.publish(event, payload);
  });
  // Recovers a card payment left in doubt before the first sale (architecture.md "Card terminal").
  const started = await host.start();
  if (!started.ok) console.error('host start:', started.error.message);
  app.on('before-quit', () => void host.close());
}

void main();
