/**
 * The built cashier UI (`dist/renderer`), served by the bridge on GET without the token: the page carries no
 * secret (the token reaches it in the URL fragment, which the browser never sends), and the API and the event
 * stream still need the token. Only files inside the UI directory are served: dot segments, encoded slashes or
 * backslashes, NUL bytes and symlinks out of the directory are refused.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** The UI's one content security policy: the bridge sends it, and the Electron window's app:// handler too. */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a URL path names inside `root`, or null when it must be refused. Pure (no file system), so the
 * refusals are tested one by one.
 */
export function uiFilePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // An encoded slash or backslash, or a NUL, is never part of a file the build made.
  if (/%2f|%5c/i.test(urlPath) || decoded.includes('\\') || decoded.includes('\0')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  const rel = segments.length === 0 ? 'index.html' : segments.join('/');
  const file = path.resolve(root, rel);
  return file.startsWith(path.resolve(root) + path.sep) ? file : null;
}

export interface UiFile {
  readonly status: 200 | 404;
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
}

const baseHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

const notFound = (): UiFile => ({
  status: 404,
  headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: 'not found',
});

/** Reads one file of the UI with the headers it is served with (404 for anything refused or missing). */
export async function readUiFile(root: string, urlPath: string): Promise<UiFile> {
  const file = uiFilePath(root, urlPath);
  if (!file) return notFound();
  try {
    // A symlink inside the directory that points out of it is refused too.
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!real.startsWith(realRoot + path.sep)) return notFound();
    if (!(await stat(real)).isFile()) return notFound();
    const body = await readFile(real);
    const ext = path.extname(real).toLowerCase();
    const html = ext === '.html';
    // Vite's assets carry a content hash in their name; the page that names them must always be fresh.
    const immutable = !html && /[.-][A-Za-z0-9_-]{8,}\.\w+$/.test(path.basename(real));
    return {
      status: 200,
      headers: {
        ...baseHeaders,
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Cache-Control': html ? 'no-cache' : immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...(html ? { 'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY } : {}),
      },
      body,
    };
  } catch {
    return notFound();
  }
}
