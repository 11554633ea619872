import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  navigationAllowed,
  permissionAllowed,
  rendererFilePath,
  windowOpenHandler,
  windowOptions,
} from '../../../src-main/electron/window-options';

describe('the Counter window', () => {
  for (const kiosk of [false, true]) {
    it(`is isolated and sandboxed, with no Node in the page (kiosk ${kiosk})`, () => {
      const o = windowOptions({ kiosk, preloadPath: '/app/dist/electron/preload.cjs' });
      expect(o.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        preload: '/app/dist/electron/preload.cjs',
      });
      expect(o.kiosk).toBe(kiosk);
      // DevTools would let anyone at a kiosk run code in the page.
      expect(o.webPreferences?.devTools).toBe(!kiosk);
    });
  }

  it('the CSP allows only the app’s own scripts, no inline code, no plugins, no framing', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives['default-src']).toBe("'self'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('the UI comes from app://counter, not file://; other origins are foreign', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('file:///app/dist/renderer/index.html')).toBe(false);
    expect(isAppUrl('https://counter/index.html')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('denies navigation, new windows and every permission', () => {
    expect(navigationAllowed('https://example.com/')).toBe(false);
    expect(navigationAllowed(`${APP_ORIGIN}/other.html`)).toBe(false);
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'serial', 'hid', 'clipboard-read']) {
      expect(permissionAllowed(p, `${APP_ORIGIN}/index.html`)).toBe(false);
    }
  });

  it('serves only files inside the built renderer', () => {
    expect(rendererFilePath(`${APP_ORIGIN}/`)).toBe('index.html');
    expect(rendererFilePath(`${APP_ORIGIN}/assets/index-1.js`)).toBe('assets/index-1.js');
    // Dot segments are resolved by the URL parser, so they stay inside the renderer directory…
    expect(rendererFilePath(`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe('etc/passwd');
    // …and encoded slashes that would smuggle '..' past it are refused.
    expect(rendererFilePath(`${APP_ORIGIN}/a/%2F..%2F..%2Fetc%2Fpasswd`)).toBeNull();
    expect(rendererFilePath(`${APP_ORIGIN}/a%00.js`)).toBeNull();
    expect(rendererFilePath('https://counter/index.html')).toBeNull();
  });
});
