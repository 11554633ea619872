/**
 * The shape of the renderer's connection to the host, free of DOM types so the store and its tests compile
 * anywhere. host.ts implements it over Electron IPC or the loopback bridge.
 */

export interface HostError {
  code: string;
  message: string;
  field?: string;
}

/** An answer from the host; `unreachable` means no Counter host answered at all (not a refusal). */
export type HostCallResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: HostError; unreachable?: undefined }
  | { ok: false; unreachable: true; detail: string };

export interface HostEvent {
  event: string;
  payload: unknown;
}

export type EventStreamState = 'connecting' | 'open' | 'closed';

export interface HostLink {
  readonly mode: 'electron' | 'bridge';
  /**
   * One command. No answer within `timeoutMs` (default DEFAULT_CALL_TIMEOUT_MS) counts as unreachable; callers
   * of commands that move money read that as "outcome unknown", never as "failed".
   */
  call<T>(command: string, input?: unknown, options?: { timeoutMs?: number }): Promise<HostCallResult<T>>;
  /** Pushed events; returns a function that stops listening. */
  subscribe(onEvent: (e: HostEvent) => void, onState: (s: EventStreamState) => void): () => void;
}

/** Long enough for a slow PIN hash or a busy host, short enough that a hung host is shown, not waited on. */
export const DEFAULT_CALL_TIMEOUT_MS = 8000;
