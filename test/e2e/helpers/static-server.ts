/**
 * A plain static file server on 127.0.0.1 for the built renderer. Without a host behind it, it answers /api/*
 * like any static server would (404, no JSON), which the renderer must read as "host not reachable" — what a
 * cashier's browser meets when the page is there but the till service is not. With `proxyTo`, /api/* and the
 * /events WebSocket are passed through untouched to a loopback bridge, so the page talks to the bridge as if
 * the bridge had served it (the bridge serves no static files yet; docs/app.md).
 */
import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export const RENDERER_DIR = path.resolve(import.meta.dirname, '../../../dist/renderer');

export interface StaticServer {
  url: string;
  /** Passes /api/* and /events on to this loopback bridge from now on. */
  proxyTo(bridgeUrl: string): void;
  close(): Promise<void>;
}

export async function serveStatic(
  dir = RENDERER_DIR,
  options: { hangApi?: boolean } = {},
): Promise<StaticServer> {
  let bridge: URL | null = null;
  const server = createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      // A host that accepts the connection and never answers (hung, or a debugger stopped it).
      if (options.hangApi && pathname.startsWith('/api/')) return;
      if (bridge && pathname.startsWith('/api/')) {
        const upstream = request(
          {
            host: bridge.hostname,
            port: bridge.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.writeHead(502).end());
        req.pipe(upstream);
        return;
      }
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
  // Every socket, including upgraded ones (closeAllConnections does not know those) and the proxy's own
  // connections to the bridge, is destroyed on close, so closing never waits on a browser or the bridge.
  const sockets = new Set<Duplex>();
  const track = (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  server.on('connection', track);
  // The WebSocket handshake and its frames go through as raw bytes.
  server.on('upgrade', (req, socket, head) => {
    if (!bridge) return socket.destroy();
    const upstream = connect(Number(bridge.port), bridge.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    proxyTo(bridgeUrl) {
      bridge = new URL(bridgeUrl);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
