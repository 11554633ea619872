/**
 * A plain static file server on 127.0.0.1 for the built renderer, with no host behind it: what a cashier's
 * browser meets when the page is there but the till service is not. Answers /api/* like any static server
 * would (404, no JSON), which the renderer must read as "host not reachable".
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export const RENDERER_DIR = path.resolve(import.meta.dirname, '../../../dist/renderer');

export async function serveStatic(dir = RENDERER_DIR): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
      const file = path.join(dir, rel);
      if (req.method !== 'GET' || !file.startsWith(dir + path.sep)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      try {
        const body = await readFile(file);
        res
          .writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
          .end(body);
      } catch {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
