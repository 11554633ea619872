import type { StateCreator } from 'zustand';
import { COMMANDS, EVENTS, type HostStatus } from './commands';
import type { AppDeps, Store, ConnectionSlice } from './shape';

export type { HostReachability, ConnectionSlice } from './shape';

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
