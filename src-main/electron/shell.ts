/**
 * The Electron shell: one window, the UI from app://, every policy from window-options.ts applied, and the
 * host API bound to IPC through the guard. Thin on purpose (architecture.md "What cannot run on the build
 * machines"): all behaviour worth testing lives in pure modules and in the host, which run without Electron.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, type WebContents } from 'electron';
import { guardIpcCall, type IpcContract } from './ipc-guard';
import {
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  navigationAllowed,
  permissionAllowed,
  rendererFilePath,
  windowOpenHandler,
  windowOptions,
} from './window-options';

export const IPC_CALL = 'pos:call';
export const IPC_EVENT = 'pos:event';

export type HostAnswer =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export interface ShellOptions {
  kiosk: boolean;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** The bundled preload (dist/electron/preload.cjs). */
  preloadPath: string;
  contract: IpcContract;
  /** Runs a guarded command on the host's handler table. */
  dispatch(command: string, input: unknown): Promise<HostAnswer>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Must run before the app is ready: app:// behaves like a standard, secure origin (fetch, relative URLs).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

export async function startShell(
  options: ShellOptions,
): Promise<{ publish(event: string, payload: unknown): void }> {
  if (!app.requestSingleInstanceLock()) {
    // A second Counter on one till would fight over the card terminal's serial port.
    app.quit();
    return { publish: () => {} };
  }
  await app.whenReady();

  protocol.handle(APP_SCHEME, async (request) => {
    const rel = rendererFilePath(request.url);
    if (rel === null) return new Response('not found', { status: 404 });
    const file = path.join(options.rendererDir, rel);
    if (!file.startsWith(options.rendererDir + path.sep)) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.setWindowOpenHandler(windowOpenHandler);
    contents.on('will-navigate', (event, url) => {
      if (!navigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  ipcMain.handle(IPC_CALL, async (event, payload: unknown): Promise<HostAnswer> => {
    const frame = event.senderFrame;
    const guarded = guardIpcCall(
      options.contract,
      { url: frame?.url ?? null, isMainFrame: frame !== null && frame === event.sender.mainFrame },
      payload,
    );
    if (!guarded.ok) return guarded;
    return options.dispatch(guarded.command, guarded.input);
  });

  const window = new BrowserWindow(windowOptions({ kiosk: options.kiosk, preloadPath: options.preloadPath }));
  window.once('ready-to-show', () => window.show());
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  await window.loadURL(`${APP_ORIGIN}/index.html`);

  return {
    publish(event, payload) {
      if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, { event, payload });
    },
  };
}
