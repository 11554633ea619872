/**
 * Checkout events (src-main/checkout) as the host contract's events (src-shared/host-api.ts). Pure; the one
 * mapping both transports use: the loopback bridge (serve.ts) and the Electron window (electron/main.ts).
 */
import type { CheckoutEvent } from '../checkout/context';
import type { HostEventName, HostEventPayload } from '../../src-shared/host-api';

export type ContractEvent = {
  [K in HostEventName]: { event: K; payload: HostEventPayload<K> };
}[HostEventName];

export function contractEvent(e: CheckoutEvent): ContractEvent {
  switch (e.kind) {
    case 'terminal-status':
      return {
        event: 'terminalStatus',
        payload: { attemptId: e.attemptId, code: e.code, text: e.text, lines: [...e.lines] },
      };
    case 'attempt-started':
      return {
        event: 'attemptStarted',
        payload: {
          attemptId: e.attemptId,
          orderId: e.orderId,
          amountMinor: e.amount.amountMinor,
          what: e.what,
        },
      };
    case 'attempt-finished':
      return {
        event: 'attemptFinished',
        payload: { attemptId: e.attemptId, orderId: e.orderId, state: e.state },
      };
    case 'order-changed':
      return { event: 'orderChanged', payload: { orderId: e.orderId } };
    case 'outbox-changed':
      return { event: 'outboxChanged', payload: {} };
    case 'status-changed':
      return { event: 'statusChanged', payload: {} };
  }
}
