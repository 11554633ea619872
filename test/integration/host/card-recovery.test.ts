import { afterEach, describe, expect, it } from 'vitest';
import { createLocalOrder, payCard } from '../../../src-main/checkout/sale';
import {
  recoverUnresolvedAttempt,
  resolveParkedAttempt,
  runTerminalAttempt,
} from '../../../src-main/checkout/terminal-attempts';
import { mintPaymentId, ok, orderBalances } from '../../../src-shared';
import {
  attemptsOfOrder,
  loadOrderState,
  paymentIdSequenceStore,
  terminalState,
  unresolvedAttempt,
} from '../../../src-main/store';
import { createHostRig, type HostRig } from '../../helpers/host-rig';

let h: HostRig;
afterEach(async () => h?.close());

function newOrder(h: HostRig, totalMinor: number): string {
  const r = createLocalOrder(h.deps, { kind: 'SALE', cart: null, totalMinor, operatorId: 'cashier' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.order.orderId;
}

describe('card payments across failures', () => {
  it('writes the attempt before the first byte goes to the terminal', async () => {
    h = await createHostRig();
    const orderId = newOrder(h, 1234);
    let seenBeforeCommand: unknown = null;
    h.rig.vt.onEvent((e) => {
      if (e.kind === 'command' && e.name.startsWith('Authori')) seenBeforeCommand = unresolvedAttempt(h.db);
    });
    const r = await payCard(h.deps, { orderId, operatorId: 'cashier' });
    expect(r.ok && r.value.state).toBe('APPROVED');
    expect(seenBeforeCommand).toMatchObject({ orderId, state: 'IN_FLIGHT', amountMinor: 1234 });
    expect(terminalState(h.db)?.lastReceipt).toBe(attemptsOfOrder(h.db, orderId)[0]?.result?.receiptNumber);
  });

  it('recovers a payment whose completion never came: the terminal booked it, it is recorded once', async () => {
    h = await createHostRig();
    const orderId = newOrder(h, 5000);
    h.rig.vt.injectFault({ kind: 'silence-after-approval' });
    const r = await payCard(h.deps, { orderId, operatorId: 'cashier' });
    expect(r.ok && r.value.state).toBe('APPROVED');
    expect(h.rig.vt.bookedTransactions().map((e) => e.amountMinor)).toEqual([5000]);
    expect(orderBalances(loadOrderState(h.db, orderId)!).collected.amountMinor).toBe(5000);
    const again = await payCard(h.deps, { orderId, operatorId: 'cashier' });
    expect(again.ok).toBe(false);
    expect(h.rig.vt.bookedTransactions()).toHaveLength(1);
  });

  it('after a host crash between the terminal booking and the commit, recovers before any new charge', async () => {
    h = await createHostRig();
    const orderId = newOrder(h, 2500);
    // The host "dies" right after the terminal approved: the attempt row stays IN_FLIGHT, nothing recorded.
    await expect(
      runTerminalAttempt(h.deps, {
        kind: 'PAYMENT',
        orderId,
        amountMinor: 2500,
        operatorId: 'cashier',
        what: 'crash test',
        prepare: () =>
          ok({
            paymentId: mintPaymentId(1000, paymentIdSequenceStore(h.db)),
            intent: {
              what: 'SALE',
              storeCard: false,
              operationId: h.deps.newId(),
              messageId: h.deps.newId(),
            },
          }),
        run: async (t) => {
          await t.authorize({ amountMinor: 2500, currency: 'EUR' });
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    expect(unresolvedAttempt(h.db)).toMatchObject({ state: 'IN_FLIGHT' });
    expect(orderBalances(loadOrderState(h.db, orderId)!).collected.amountMinor).toBe(0);
    // The cashier tries again: recovery runs first, finds the booking, records it, and refuses a second charge.
    const retry = await payCard(h.deps, { orderId, operatorId: 'cashier' });
    expect(retry.ok).toBe(false);
    expect(retry.ok === false && retry.error.code).toBe('CHECKOUT_INVALID');
    expect(h.rig.vt.bookedTransactions().map((e) => e.amountMinor)).toEqual([2500]);
    expect(orderBalances(loadOrderState(h.db, orderId)!).collected.amountMinor).toBe(2500);
    expect(unresolvedAttempt(h.db)).toBeNull();
  });

  it('after a crash before anything was sent, finds nothing charged and lets the payment run', async () => {
    h = await createHostRig();
    const orderId = newOrder(h, 700);
    await expect(
      runTerminalAttempt(h.deps, {
        kind: 'PAYMENT',
        orderId,
        amountMinor: 700,
        operatorId: 'cashier',
        what: 'crash test',
        prepare: () =>
          ok({
            paymentId: mintPaymentId(1000, paymentIdSequenceStore(h.db)),
            intent: {
              what: 'SALE',
              storeCard: false,
              operationId: h.deps.newId(),
              messageId: h.deps.newId(),
            },
          }),
        run: () => Promise.reject(new Error('crash before the first byte')),
      }),
    ).rejects.toThrow();
    const rec = await recoverUnresolvedAttempt(h.deps);
    expect(rec.ok && rec.value?.state).toBe('NOT_CHARGED');
    const pay = await payCard(h.deps, { orderId, operatorId: 'cashier' });
    expect(pay.ok && pay.value.state).toBe('APPROVED');
    expect(h.rig.vt.bookedTransactions().map((e) => e.amountMinor)).toEqual([700]);
  });

  it('parks what the terminal cannot explain for a manager, and blocks new charges until resolved', async () => {
    h = await createHostRig();
    const orderId = newOrder(h, 900);
    const other = newOrder(h, 100);
    await expect(
      runTerminalAttempt(h.deps, {
        kind: 'PAYMENT',
        orderId,
        amountMinor: 900,
        operatorId: 'cashier',
        what: 'crash test',
        prepare: () =>
          ok({
            paymentId: mintPaymentId(1000, paymentIdSequenceStore(h.db)),
            intent: {
              what: 'SALE',
              storeCard: false,
              operationId: h.deps.newId(),
              messageId: h.deps.newId(),
            },
          }),
        // Someone booked a different amount on the terminal's own keypad meanwhile.
        run: async (t) => {
          await t.authorize({ amountMinor: 333, currency: 'EUR' });
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow();
    const blocked = await payCard(h.deps, { orderId: other, operatorId: 'cashier' });
    expect(blocked.ok === false && blocked.error.code).toBe('CARD_OUTCOME_PENDING');
    const parked = unresolvedAttempt(h.db)!;
    expect(parked.state).toBe('PARKED');
    const resolved = resolveParkedAttempt(h.deps, {
      attemptId: parked.attemptId,
      charged: false,
      managerId: 'manager',
    });
    expect(resolved.ok && resolved.value.state).toBe('NOT_CHARGED');
    const pay = await payCard(h.deps, { orderId: other, operatorId: 'cashier' });
    expect(pay.ok && pay.value.state).toBe('APPROVED');
  });
});
