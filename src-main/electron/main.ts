/**
 * Electron entry point (bundled to dist/electron/main.cjs by `npm run build:electron`): the host (store,
 * checkout, card terminal) in the main process, its contract bound to IPC through the guard, its events pushed
 * to the window. Not run on the build machines (no Electron binary); docs/app.md says what is verified.
 */
import path from 'node:path';
import { app, dialog } from 'electron';
import { HOST_API } from '../../src-shared/host-api';
import { dispatch } from '../host/api';
import { createHost } from '../host/compose';
import { createHostHandlers } from '../host/handlers';
import { contractEvent } from '../host/events';
import { startShell } from './shell';

const root = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const dataDir = process.env.COUNTER_DATA_DIR ?? path.join(app.getPath('userData'), 'host');
  const created = createHost({ dataDir, sync: 'settings' });
  if (!created.ok) {
    // Not enrolled, no terminal configured, a newer database…: say what to do instead of an empty window.
    await app.whenReady();
    dialog.showErrorBox('Counter cannot start', created.error.message);
    app.exit(1);
    return;
  }
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
