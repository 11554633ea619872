/**
 * The loopback bridge: the host API over HTTP (`POST /api/<command>`) and a WebSocket (`/events`) for the
 * browser kiosk mode, store IT scripts and the tests. Electron IPC binds the same contract and handler table.
 *
 * Security decisions (architecture.md "Security baseline"):
 * - Binds 127.0.0.1 only (not configurable): the counter's API is not a network service.
 * - A per-launch token on every request and on the WebSocket handshake, compared in constant time. It travels
 *   in a header (`Authorization: Bearer`) or the WebSocket subprotocol, never in a URL, so it never lands in
 *   an access log or the browser history.
 * - A page of a foreign origin is refused before the token is even looked at (a malicious web page open in
 *   the kiosk browser must not drive the counter); programs that send no Origin need only the token.
 * - Request bodies are validated with the contract's schema; the answer names the field that was wrong.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { catalogEntry, domainError, isErrorCode, type ErrorCode } from '../../../src-shared';
import { bearerToken, newLaunchToken, originAllowed, subprotocolToken, tokenMatches } from './access';
import type {
  BridgeAnswer,
  BridgeContract,
  BridgeDispatch,
  BridgeError,
  EventName,
  EventPayload,
  HandlerTable,
} from './contract';
import { bridgeDocs, bridgeDocsHtml } from './docs';
import { readUiFile } from './static-files';

/** Offer it beside `bearer.<token>`; the server answers with it, so the token is not echoed back. */
export const EVENTS_SUBPROTOCOL = 'counter.events.v1';
const DEFAULT_MAX_BODY_BYTES = 1 << 20;

export interface BridgeOptions<C extends BridgeContract> {
  contract: C;
  /** One handler per command (the bridge validates input and answers), or… */
  handlers?: HandlerTable<C>;
  /** …a dispatcher that validates and runs commands itself (the host's, shared with Electron IPC). */
  dispatch?: BridgeDispatch;
  /** Default: a new random token (give one only in tests or when the launcher hands it to the UI). */
  token?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Origins of pages allowed to call besides the bridge's own (e.g. a dev server). */
  allowedOrigins?: readonly string[];
  title?: string;
  maxBodyBytes?: number;
  /** Told about handler exceptions and invalid answers (bugs); the caller gets INTERNAL_ERROR with a reference. */
  onInternalError?: (reference: string, error: unknown) => void;
  /**
   * The built cashier UI (dist/renderer) to serve on GET of any path outside /api and /events, without the
   * token (static-files.ts says why that is safe). Absent: the bridge serves the API only.
   */
  uiDir?: string;
}

export interface Bridge<C extends BridgeContract> {
  url: string;
  port: number;
  token: string;
  /** Pushes an event to every connected WebSocket; the payload is checked against the contract. */
  publish<K extends EventName<C>>(event: K, payload: EventPayload<C, K>): void;
  connectedClients(): number;
  close(): Promise<void>;
}

function bridgeError(
  code: ErrorCode,
  params: Record<string, string | number> = {},
  field?: string,
): BridgeError {
  return { ...domainError(code, params), ...(field ? { field } : {}) } as BridgeError;
}

/** Only code, message and field travel (not the catalog params). */
const wireError = (e: BridgeError): BridgeError => ({
  code: e.code,
  message: e.message,
  ...(e.field ? { field: e.field } : {}),
});

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startBridge<C extends BridgeContract>(options: BridgeOptions<C>): Promise<Bridge<C>> {
  const { contract, handlers, dispatch } = options;
  if (!handlers === !dispatch) throw new Error('startBridge needs either handlers or dispatch, not both');
  const token = options.token ?? newLaunchToken();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const docs = bridgeDocs(contract, options.title ?? 'Counter host API');
  let allowed: string[] = [...(options.allowedOrigins ?? [])];

  const internal = (e: unknown): BridgeError => {
    const reference = randomUUID();
    options.onInternalError?.(reference, e);
    return bridgeError('INTERNAL_ERROR', { reference });
  };

  function send(res: ServerResponse, status: number, body: string, type = 'application/json') {
    res.writeHead(status, {
      'Content-Type': `${type}; charset=utf-8`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  }
  const answer = (res: ServerResponse, a: BridgeAnswer<unknown>) =>
    send(
      res,
      // A dispatcher's code outside the catalog is a bug; still answer, as a server error.
      a.ok ? 200 : isErrorCode(a.error.code) ? catalogEntry(a.error.code).httpStatus : 500,
      JSON.stringify(a.ok ? a : { ok: false, error: wireError(a.error) }),
    );

  async function runCommand(name: string, req: IncomingMessage): Promise<BridgeAnswer<unknown>> {
    const spec = contract.commands[name]!;
    const text = await readBody(req, maxBody);
    if (text === null) {
      return {
        ok: false,
        error: bridgeError(
          'REQUEST_INVALID',
          { propertyName: 'body', reason: `larger than ${maxBody} bytes` },
          'body',
        ),
      };
    }
    let raw: unknown = {};
    if (text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch (e) {
        return { ok: false, error: bridgeError('REQUEST_BODY_NOT_JSON', { reason: (e as Error).message }) };
      }
    }
    if (dispatch) {
      try {
        return await dispatch(name, raw);
      } catch (e) {
        return { ok: false, error: internal(e) };
      }
    }
    const input = spec.input.safeParse(raw);
    if (!input.success) {
      const issue = input.error.issues[0]!;
      const field = ['body', ...issue.path.map(String)].join('.');
      const reason =
        issue.code === 'invalid_type' && issue.input === undefined
          ? 'it is missing'
          : issue.code === 'unrecognized_keys'
            ? `unknown field(s) ${issue.keys.join(', ')}`
            : issue.message;
      return { ok: false, error: bridgeError('REQUEST_INVALID', { propertyName: field, reason }, field) };
    }
    try {
      const handler = (handlers as Record<string, (i: unknown) => unknown>)[name]!;
      const result = (await handler(input.data)) as BridgeAnswer<unknown>;
      if (!result.ok) return result;
      const out = spec.output.safeParse(result.value);
      if (!out.success)
        return {
          ok: false,
          error: internal(new Error(`${name} answered outside its contract: ${out.error.message}`)),
        };
      return result;
    } catch (e) {
      return { ok: false, error: internal(e) };
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const origin = req.headers.origin;
      if (!originAllowed(origin, allowed)) {
        return answer(res, {
          ok: false,
          error: bridgeError('BRIDGE_ORIGIN_FORBIDDEN', { origin: origin ?? '' }),
        });
      }
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
      }
      const pathname = (req.url ?? '/').split('?')[0]!;
      const apiPath = pathname === '/api' || pathname.startsWith('/api/') || pathname === '/events';
      if (options.uiDir && !apiPath && (req.method === 'GET' || req.method === 'HEAD')) {
        const f = await readUiFile(options.uiDir, pathname);
        res.writeHead(f.status, f.headers);
        return res.end(req.method === 'HEAD' ? undefined : f.body);
      }
      if (req.method === 'OPTIONS') {
        // A preflight carries no token by design; it only learns what the real request may send.
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
        });
        return res.end();
      }
      if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return answer(res, { ok: false, error: bridgeError('BRIDGE_TOKEN_INVALID') });
      }
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/api/docs') {
        const html = (req.headers.accept ?? '').includes('text/html');
        return html
          ? send(res, 200, bridgeDocsHtml(docs), 'text/html')
          : send(res, 200, JSON.stringify(docs));
      }
      const m = /^\/api\/([A-Za-z][\w.-]*)$/.exec(path);
      if (req.method === 'POST' && m && Object.hasOwn(contract.commands, m[1]!)) {
        return answer(res, await runCommand(m[1]!, req));
      }
      return answer(res, {
        ok: false,
        error: bridgeError('ROUTE_NOT_FOUND', { method: req.method ?? '', path }),
      });
    })().catch((e: unknown) => {
      if (!res.headersSent) answer(res, { ok: false, error: internal(e) });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false),
  });

  const refuseUpgrade = (socket: Duplex, status: number, error: BridgeError) => {
    const body = JSON.stringify({ ok: false, error: wireError(error) });
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/events')
      return refuseUpgrade(socket, 404, bridgeError('ROUTE_NOT_FOUND', { method: 'GET', path: path ?? '' }));
    const origin = req.headers.origin;
    if (!originAllowed(origin, allowed)) {
      return refuseUpgrade(socket, 403, bridgeError('BRIDGE_ORIGIN_FORBIDDEN', { origin: origin ?? '' }));
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const received = subprotocolToken(offered) ?? bearerToken(req.headers.authorization);
    if (!tokenMatches(token, received))
      return refuseUpgrade(socket, 401, bridgeError('BRIDGE_TOKEN_INVALID'));
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  // The bridge's own pages (the kiosk UI it may serve) are always allowed.
  allowed = [url, `http://localhost:${port}`, ...allowed];

  return {
    url,
    port,
    token,
    publish(event, payload) {
      const spec = contract.events[event];
      if (!spec) throw new Error(`event ${event} is not in the contract`);
      // A payload outside the contract is a bug in the publisher: fail loudly here, not in every client.
      const checked = spec.payload.parse(payload);
      const frame = JSON.stringify({ event, payload: checked });
      for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    connectedClients: () => wss.clients.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
