/**
 * The one file of the renderer that touches the host (style.md "Renderer"). Two transports, one shape:
 * - Electron: the preload's `window.pos` (IPC, sender-checked and validated in the main process);
 * - browser/kiosk and tests: the loopback bridge that served this page (`POST /api/<command>`, WebSocket
 *   `/events`), authenticated with this launch's token.
 *
 * The bridge token arrives in the URL fragment (`#token=…`), which browsers never send to a server. It is
 * taken out of the address bar at once (so it is not in history, bookmarks or a screenshot), kept in this
 * tab's sessionStorage so a reload keeps working, and sent only to the bridge's own origin.
 */

import {
  DEFAULT_CALL_TIMEOUT_MS,
  type HostCallResult,
  type HostError,
  type HostEvent,
  type HostLink,
} from './host-link';

export type { EventStreamState, HostCallResult, HostError, HostEvent, HostLink } from './host-link';

/** What the Electron preload exposes as `window.pos` (src-main/electron/preload.ts implements it). */
export interface PosPreloadApi {
  call(
    command: string,
    input: unknown,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: HostError }>;
  onEvent(listener: (event: HostEvent) => void): () => void;
}

declare global {
  interface Window {
    pos?: PosPreloadApi;
  }
}

const TOKEN_KEY = 'counter.bridgeToken';
/** The bridge's WebSocket subprotocols: events, and the token (browsers cannot set headers on a WebSocket). */
const EVENTS_SUBPROTOCOL = 'counter.events.v1';
const TOKEN_SUBPROTOCOL_PREFIX = 'bearer.';

export interface TokenSources {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Takes the token out of `#token=…` (and out of the address bar), or the one this tab was given before. */
export function takeBridgeToken({ location, history, storage }: TokenSources): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    history.replaceState(history.state, '', location.pathname + location.search);
    storage.setItem(TOKEN_KEY, fromHash);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

function isAnswer(body: unknown): body is { ok: true; value: unknown } | { ok: false; error: HostError } {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const b = body as { ok: unknown; error?: { code?: unknown } };
  return b.ok === true || (b.ok === false && typeof b.error?.code === 'string');
}

export function bridgeLink(origin: string, token: string | null, fetchImpl: typeof fetch = fetch): HostLink {
  return {
    mode: 'bridge',
    async call<T>(
      command: string,
      input: unknown = {},
      options: { timeoutMs?: number } = {},
    ): Promise<HostCallResult<T>> {
      const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
      if (token === null) {
        return { ok: false, unreachable: true, detail: 'no access token: open the address Counter printed' };
      }
      let res: Response;
      try {
        res = await fetchImpl(`${origin}/api/${encodeURIComponent(command)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
          // The token must never go anywhere but the bridge: no redirects followed, no cookies.
          redirect: 'error',
          credentials: 'omit',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        return { ok: false, unreachable: true, detail: describeFailure(e, timeoutMs) };
      }
      const body: unknown = await res.json().catch(() => null);
      // Anything that is not a bridge answer (a static file server's 404, a proxy's page) means the host
      // is not there: the cashier sees "not reachable", not a confusing error text.
      if (!isAnswer(body))
        return { ok: false, unreachable: true, detail: `HTTP ${res.status} without a host answer` };
      return body as HostCallResult<T>;
    },
    subscribe(onEvent, onState) {
      if (token === null) {
        onState('closed');
        return () => {};
      }
      let stopped = false;
      let socket: WebSocket | null = null;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let delay = 500;
      const open = () => {
        onState('connecting');
        socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/events`, [
          EVENTS_SUBPROTOCOL,
          TOKEN_SUBPROTOCOL_PREFIX + token,
        ]);
        socket.onopen = () => {
          delay = 500;
          onState('open');
        };
        socket.onmessage = (m) => {
          try {
            onEvent(JSON.parse(String(m.data)) as HostEvent);
          } catch (e) {
            console.error('host event is not JSON', e);
          }
        };
        socket.onclose = () => {
          onState('closed');
          // Reconnect with backoff up to 5 s: the host restarts, the status bar must come back by itself.
          if (!stopped) retry = setTimeout(open, (delay = Math.min(delay * 2, 5000)));
        };
      };
      open();
      return () => {
        stopped = true;
        clearTimeout(retry);
        socket?.close();
      };
    },
  };
}

function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof DOMException && e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  return e instanceof Error ? e.message : String(e);
}

export function preloadLink(pos: PosPreloadApi): HostLink {
  return {
    mode: 'electron',
    async call<T>(
      command: string,
      input: unknown = {},
      options: { timeoutMs?: number } = {},
    ): Promise<HostCallResult<T>> {
      const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DOMException('timed out', 'TimeoutError')), timeoutMs);
      });
      try {
        return (await Promise.race([pos.call(command, input), timeout])) as HostCallResult<T>;
      } catch (e) {
        return { ok: false, unreachable: true, detail: describeFailure(e, timeoutMs) };
      } finally {
        clearTimeout(timer);
      }
    },
    subscribe(onEvent, onState) {
      onState('open');
      return pos.onEvent(onEvent);
    },
  };
}

/** Electron when the preload is there, otherwise the bridge that served this page. */
export function connectHost(win: Window): HostLink {
  if (win.pos) return preloadLink(win.pos);
  const token = takeBridgeToken({
    location: win.location,
    history: win.history,
    storage: win.sessionStorage,
  });
  return bridgeLink(win.location.origin, token, win.fetch.bind(win));
}
