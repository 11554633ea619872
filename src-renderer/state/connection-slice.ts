import type { StateCreator } from 'zustand';
import type { EventStreamState, HostEvent } from '../host-link';
import { COMMANDS, EVENTS, type HostStatus } from './commands';
import type { AppDeps, Store } from './store';

export type HostReachability = 'checking' | 'reachable' | 'unreachable';

export interface ConnectionSlice {
  host: HostReachability;
  /** Why the host is not reachable, for the technician (the cashier sees a plain sentence). */
  hostDetail: string | null;
  events: EventStreamState;
  status: HostStatus | null;
  probeHost(): Promise<void>;
  setEventStream(state: EventStreamState): void;
  applyHostEvent(event: HostEvent): void;
}

export const connectionSlice =
  (deps: AppDeps): StateCreator<Store, [], [], ConnectionSlice> =>
  (set, get) => ({
    host: 'checking',
    hostDetail: null,
    events: 'connecting',
    status: null,
    async probeHost() {
      set({ host: 'checking' });
      const r = await deps.host.call<HostStatus>(COMMANDS.status);
      if (r.ok) set({ host: 'reachable', hostDetail: null, status: r.value });
      else if (r.unreachable) set({ host: 'unreachable', hostDetail: r.detail, status: null });
      // The host answered with a refusal: it is there, its status is not known.
      else set({ host: 'reachable', hostDetail: `${r.error.code}: ${r.error.message}` });
    },
    setEventStream(events) {
      set({ events });
      // Whatever happened while the stream was down (a host restart, queued sales), the status is read afresh.
      if (events === 'open') void get().probeHost();
    },
    applyHostEvent({ event, payload }) {
      if (event === EVENTS.status) set({ status: payload as HostStatus, host: 'reachable' });
      else if (event === EVENTS.terminalMessage)
        get().terminalMessage(String((payload as { text?: unknown }).text ?? ''));
      else if (event === EVENTS.cardOutcome) {
        get().cardOutcome(
          (payload as { outcome: 'approved' | 'declined' | 'cancelled' | 'unknown' }).outcome,
        );
      }
    },
  });
