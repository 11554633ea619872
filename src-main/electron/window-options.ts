/**
 * Everything security-relevant about the Counter window, as pure data and functions, so a unit test under
 * plain Node proves every window gets it (the Electron binary is not on the build machines; see docs/app.md).
 * main.ts only applies these.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { UI_CONTENT_SECURITY_POLICY } from '../host/bridge/static-files';

/** The UI is served from this custom protocol, never file:// (file:// pages may read any local file). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'counter';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Strict CSP, sent as a response header by the app:// handler (the bridge sends the same one for the browser
 * mode: one policy, src-main/host/bridge/static-files.ts). Only the app's own scripts and styles; no eval, no inline script, no plugins, no framing.
 * connect-src 'self' lets the browser mode reach the bridge that served it; under app:// nothing else.
 */
export const CONTENT_SECURITY_POLICY = UI_CONTENT_SECURITY_POLICY;

export interface WindowSettings {
  /** Full screen, no window chrome, no way out by keyboard: the counter PC shows only Counter. */
  kiosk: boolean;
  /** Absolute path of the bundled preload script. */
  preloadPath: string;
}

export function windowOptions(settings: WindowSettings): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false, // shown on ready-to-show, so the cashier never sees a white flash
    backgroundColor: '#f4f5f7',
    autoHideMenuBar: true,
    kiosk: settings.kiosk,
    fullscreen: settings.kiosk,
    title: 'Counter',
    webPreferences: {
      preload: settings.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // A kiosk has no one who needs DevTools, and anyone at the counter could open them.
      devTools: !settings.kiosk,
    },
  };
}

/** Whether a URL belongs to the app (same scheme and host); everything else is foreign. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Navigation policy: the window never leaves the app. A same-document change (the hash) is not a navigation
 * Electron asks about; any other target, including another app:// page, is denied, so a link or a script
 * cannot replace the UI.
 */
export function navigationAllowed(_targetUrl: string): boolean {
  return false;
}

/** New windows (window.open, target=_blank) are always denied. */
export const windowOpenHandler = (): { action: 'deny' } => ({ action: 'deny' });

/** Permission requests (camera, geolocation, notifications, HID, serial from the page, …) are all denied. */
export function permissionAllowed(_permission: string, _requestingUrl: string): boolean {
  return false;
}

/** Path inside the built renderer for an app:// request, or null when it tries to leave it. */
export function rendererFilePath(requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const pathname = decodeURIComponent(new URL(requestUrl).pathname);
  const clean = pathname === '/' || pathname === '' ? '/index.html' : pathname;
  // URL parsing already resolves '..'; reject anything that still looks like an escape or a NUL trick.
  if (clean.includes('\0') || clean.split('/').includes('..')) return null;
  return clean.slice(1);
}
