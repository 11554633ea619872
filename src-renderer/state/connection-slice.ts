import type { StateCreator } from 'zustand';
import { call, type ContractEvent } from './commands';
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
      const r = await call(deps.host, 'status', {});
      if (r.ok) {
        set({ host: 'reachable', hostDetail: null, status: r.value as Store['status'] });
        // A card command still running after a reload or a reconnect: show it again, with its last text.
        const running = r.value.currentAttempt;
        if (running && !get().checkout) get().resumeCheckout(running);
        else if (running?.lastText) get().terminalMessage(running.attemptId, running.lastText);
      } else if (r.unreachable) set({ host: 'unreachable', hostDetail: r.detail, status: null });
      // The host answered with a refusal: it is there, its status is not known.
      else set({ host: 'reachable', hostDetail: `${r.error.code}: ${r.error.message}` });
    },
    setEventStream(events) {
      set({ events });
      // Whatever happened while the stream was down (a host restart, queued sales), the status is read afresh.
      if (events === 'open') {
        void get().probeHost();
        void get().loadSettings();
      }
    },
    applyHostEvent(raw) {
      const e = raw as ContractEvent;
      switch (e.event) {
        case 'statusChanged':
        case 'outboxChanged':
          void get().probeHost();
          return;
        case 'terminalStatus':
          get().terminalMessage(e.payload.attemptId, e.payload.text);
          return;
        case 'attemptStarted':
          get().attemptStarted(e.payload.attemptId);
          return;
        case 'attemptFinished':
          // A checkout this page started learns its end from its own answer; one resumed after a reload here.
          get().attemptFinished(e.payload.attemptId, e.payload.orderId, e.payload.state);
          void get().probeHost();
          return;
        case 'orderChanged': {
          const order = get().balanceOrder;
          if (order && order.orderId === e.payload.orderId) void get().findBalanceOrder(order.orderId);
          return;
        }
      }
    },
  });
