import { describe, expect, it } from 'vitest';
import type { CheckoutEvent } from '../../../src-main/checkout/context';
import { contractEvent } from '../../../src-main/host/events';
import { money } from '../../../src-shared/money';
import { HOST_API } from '../../../src-shared/host-api';

const events: CheckoutEvent[] = [
  { kind: 'terminal-status', attemptId: 'a1', code: 0x0a, text: 'Insert card', lines: ['Insert card'] },
  {
    kind: 'attempt-started',
    attemptId: 'a1',
    orderId: 'o1',
    amount: money(899, 'EUR'),
    what: 'AUTHORIZATION',
  },
  { kind: 'attempt-finished', attemptId: 'a1', orderId: 'o1', state: 'APPROVED' },
  { kind: 'order-changed', orderId: 'o1' },
  { kind: 'outbox-changed' },
  { kind: 'status-changed' },
];

describe('checkout events for the window', () => {
  it('every checkout event becomes a contract event whose payload the contract accepts', () => {
    const names = new Set<string>();
    for (const e of events) {
      const { event, payload } = contractEvent(e);
      names.add(event);
      const parsed = HOST_API.events[event].payload.safeParse(payload);
      expect(parsed.success, `${e.kind}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
    expect([...names].sort()).toEqual(Object.keys(HOST_API.events).sort());
  });

  it('the terminal text reaches the window as the terminal said it', () => {
    expect(contractEvent(events[0]!)).toEqual({
      event: 'terminalStatus',
      payload: { attemptId: 'a1', code: 10, text: 'Insert card', lines: ['Insert card'] },
    });
  });
});
