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
  call<T>(command: string, input?: unknown): Promise<HostCallResult<T>>;
  /** Pushed events; returns a function that stops listening. */
  subscribe(onEvent: (e: HostEvent) => void, onState: (s: EventStreamState) => void): () => void;
}
