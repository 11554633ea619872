/**
 * The store's decisions that protect money, with a host that answers from a script (the link is the store's
 * only dependency; the real bridge is exercised in test/e2e/sale-scripted-host.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import type { HostCallResult, HostLink } from '../../../src-renderer/host-link';
import { createAppStore } from '../../../src-renderer/state/store';
import { money } from '../../../src-shared/money';

type Answer = HostCallResult<unknown>;

function scriptedLink(answers: Record<string, Answer | (() => Answer)>) {
  const calls: { command: string; input: unknown }[] = [];
  const link: HostLink = {
    mode: 'bridge',
    call<T>(command: string, input: unknown = {}) {
      calls.push({ command, input });
      const a = answers[command] ?? { ok: false, unreachable: true, detail: 'no host' };
      return Promise.resolve((typeof a === 'function' ? a() : a) as HostCallResult<T>);
    },
    subscribe: () => () => {},
  };
  return { link, calls };
}

describe('app store', () => {
  it('a card request that breaks off on the way is an unknown outcome, not a failure, and cannot be closed', async () => {
    const { link } = scriptedLink({});
    const store = createAppStore(link);
    await store.getState().startCardPayment(money(899, 'EUR'));
    expect(store.getState().card?.phase).toBe('unknown');
    store.getState().closeCardPayment();
    expect(store.getState().card?.phase).toBe('unknown');
  });

  it('a second card start while one runs sends nothing to the host', async () => {
    const { link, calls } = scriptedLink({ 'payment.card.start': { ok: true, value: {} } });
    const store = createAppStore(link);
    await store.getState().startCardPayment(money(899, 'EUR'));
    await store.getState().startCardPayment(money(899, 'EUR'));
    expect(calls.filter((c) => c.command === 'payment.card.start')).toHaveLength(1);
    expect(store.getState().card?.phase).toBe('inProgress');
  });

  it('an approved payment clears the sale; a declined one keeps the basket for another tender', async () => {
    const { link } = scriptedLink({
      'payment.card.start': { ok: true, value: {} },
      'catalog.lookup': { ok: true, value: { code: '1', name: 'Tea', unitPrice: money(250, 'EUR') } },
    });
    const store = createAppStore(link);
    await store.getState().addScannedCode('1');
    await store.getState().startCardPayment(money(250, 'EUR'));
    store.getState().cardOutcome('declined');
    expect(store.getState().basket.lines).toHaveLength(1);
    store.getState().closeCardPayment();
    await store.getState().startCardPayment(money(250, 'EUR'));
    store.getState().cardOutcome('approved');
    expect(store.getState().basket.lines).toHaveLength(0);
  });

  it('signing out keeps the basket (switch user); a wrong PIN keeps the host’s refusal', async () => {
    let pinOk = false;
    const { link } = scriptedLink({
      'staff.signIn': () =>
        pinOk
          ? { ok: true, value: { staffId: 's', name: 'Sam', role: 'cashier' } }
          : { ok: false, error: { code: 'STAFF_PIN_INVALID', message: 'Wrong PIN' } },
      'staff.signOut': { ok: true, value: {} },
      'catalog.lookup': { ok: true, value: { code: '1', name: 'Tea', unitPrice: money(250, 'EUR') } },
    });
    const store = createAppStore(link);
    await store.getState().signIn('0000');
    expect(store.getState().staff).toBeNull();
    expect(store.getState().signInError?.code).toBe('STAFF_PIN_INVALID');
    pinOk = true;
    await store.getState().signIn('1234');
    await store.getState().addScannedCode('1');
    await store.getState().signOut();
    expect(store.getState().staff).toBeNull();
    expect(store.getState().basket.lines).toHaveLength(1);
  });

  it('a cash sale clears the basket only when the host has recorded it', async () => {
    let recorded = false;
    const { link } = scriptedLink({
      'catalog.lookup': { ok: true, value: { code: '1', name: 'Tea', unitPrice: money(250, 'EUR') } },
      'payment.cash': () =>
        recorded ? { ok: true, value: {} } : { ok: false, unreachable: true, detail: 'connection refused' },
    });
    const store = createAppStore(link);
    await store.getState().addScannedCode('1');
    await store.getState().completeCashSale(money(500, 'EUR'));
    expect(store.getState().basket.lines).toHaveLength(1);
    expect(store.getState().host).toBe('unreachable');
    recorded = true;
    await store.getState().completeCashSale(money(500, 'EUR'));
    expect(store.getState().basket.lines).toHaveLength(0);
  });
});

describe('scans answered out of order', () => {
  it('the basket keeps the order the items were scanned in, whatever order the host answers in', async () => {
    const resolvers: Record<string, (a: HostCallResult<unknown>) => void> = {};
    const link: HostLink = {
      mode: 'bridge',
      call<T>(_command: string, input: unknown) {
        const { code } = input as { code: string };
        return new Promise<HostCallResult<T>>((resolve) => {
          resolvers[code] = resolve as (a: HostCallResult<unknown>) => void;
        });
      },
      subscribe: () => () => {},
    };
    const store = createAppStore(link);
    const first = store.getState().addScannedCode('A');
    const second = store.getState().addScannedCode('B');
    resolvers.B!({ ok: true, value: { code: 'B', name: 'Bread', unitPrice: money(300, 'EUR') } });
    resolvers.A!({ ok: true, value: { code: 'A', name: 'Apples', unitPrice: money(200, 'EUR') } });
    await Promise.all([first, second]);
    expect(store.getState().basket.lines.map((l) => l.name)).toEqual(['Apples', 'Bread']);
  });
});
