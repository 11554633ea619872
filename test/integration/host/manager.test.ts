import { afterEach, describe, expect, it } from 'vitest';
import { closeDrawer, drawerStatus, moveCash, openDrawer } from '../../../src-main/checkout/cash-drawer';
import { closeDay } from '../../../src-main/checkout/end-of-day';
import {
  approveRefund,
  executeRefund,
  refundableOf,
  requestRefund,
} from '../../../src-main/checkout/refunds';
import { checkoutSale, takeDeposit } from '../../../src-main/checkout/sale';
import { unlockStaff, verifyStaff } from '../../../src-main/checkout/staff';
import { voidCardPayment } from '../../../src-main/checkout/void';
import { applyChangesFromSync, auditTrail, pendingOutbox, recordPushResults } from '../../../src-main/store';
import { formatPaymentId } from '../../../src-shared';
import { createHostRig, eur, MANAGER, type HostRig } from '../../helpers/host-rig';

let h: HostRig;
afterEach(async () => h?.close());

async function cardSale(h: HostRig, amountMinor: number) {
  const r = await checkoutSale(h.deps, {
    entries: [{ kind: 'free', description: 'Item', amountMinor, taxRateBp: 1900 }],
    tenders: [{ method: 'CARD' }],
    operatorId: 'cashier',
  });
  if (!r.ok || !r.value.tenders[0]?.paymentId) throw new Error('sale failed');
  return { orderId: r.value.orderId, paymentId: r.value.tenders[0].paymentId };
}

/** What the sync daemon does with the core's answer: every queued message accepted. */
function coreAcceptsEverything(h: HostRig) {
  recordPushResults(
    h.db,
    pendingOutbox(h.db, 1000).map((m) => ({
      messageId: m.messageId,
      status: 'accepted' as const,
      details: {},
    })),
    new Date(),
  );
}

describe('staff', () => {
  it('locks a cashier out after five wrong PINs, and a manager unlocks', async () => {
    h = await createHostRig();
    for (let i = 1; i <= 4; i++) {
      const r = verifyStaff(h.deps, 'cashier', '0000');
      expect(r.ok === false && r.error.code).toBe('STAFF_PIN_INVALID');
    }
    const fifth = verifyStaff(h.deps, 'cashier', '0000');
    expect(fifth.ok === false && fifth.error.code).toBe('STAFF_LOCKED_OUT');
    // Even the right PIN is refused while locked out.
    expect(verifyStaff(h.deps, 'cashier', '1111').ok).toBe(false);
    expect(unlockStaff(h.deps, { staffId: 'cashier', ...MANAGER }).ok).toBe(true);
    expect(verifyStaff(h.deps, 'cashier', '1111').ok).toBe(true);
    expect(auditTrail(h.db, { subject: 'cashier' }).map((e) => e.action)).toContain('PIN_LOCKOUT');
    const hash = h.db.sql.prepare(`SELECT pin_hash FROM staff WHERE staff_id = 'cashier'`).get() as {
      pin_hash: string;
    };
    expect(hash.pin_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash.pin_hash).not.toContain('1111');
  });

  it('refuses a cashier PIN where a manager is needed', async () => {
    h = await createHostRig();
    const { paymentId } = await cardSale(h, 1000);
    const r = await voidCardPayment(h.deps, {
      paymentId,
      operatorId: 'cashier',
      manager: { managerId: 'cashier', managerPin: '1111' },
    });
    expect(r.ok === false && r.error.code).toBe('MANAGER_REQUIRED');
    expect(h.rig.vt.bookedTransactions()).toHaveLength(1);
  });
});

describe('void and cash drawer', () => {
  it("voids today's card payment on the terminal and queues the VOID", async () => {
    h = await createHostRig();
    const { orderId, paymentId } = await cardSale(h, 4200);
    const r = await voidCardPayment(h.deps, { paymentId, operatorId: 'cashier', manager: MANAGER });
    expect(r.ok && r.value.state).toBe('APPROVED');
    expect(h.rig.vt.bookedTransactions().filter((e) => e.kind === 'payment')).toHaveLength(0);
    expect(h.rig.vt.journal.find((e) => e.kind === 'payment')?.status).toBe('reversed');
    expect(pendingOutbox(h.db, 10).map((m) => m.kind)).toEqual(['ORDER_CREATED', 'PAYMENT_RECORDED', 'VOID']);
    const view = refundableOf(h.deps, orderId);
    expect(view.ok && view.value.collectedMinor).toBe(0);
    const twice = await voidCardPayment(h.deps, { paymentId, operatorId: 'cashier', manager: MANAGER });
    expect(twice.ok === false && twice.error.code).toBe('VOID_NOT_ALLOWED');
  });

  it('counts the drawer: float, sales, pay out; a difference over the limit needs a manager and a reason', async () => {
    h = await createHostRig();
    openDrawer(h.deps, { floatMinor: 10000, operatorId: 'cashier' });
    await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'x', amountMinor: 2550, taxRateBp: 700 }],
      tenders: [{ method: 'CASH', tenderedMinor: 3000 }],
      operatorId: 'cashier',
    });
    expect(
      moveCash(h.deps, {
        direction: 'OUT',
        amountMinor: 550,
        kind: 'PETTY_CASH',
        note: 'stamps',
        operatorId: 'cashier',
      }).ok,
    ).toBe(true);
    expect(drawerStatus(h.deps).expectedMinor).toBe(12000);
    const short = closeDrawer(h.deps, { countedMinor: 11000, operatorId: 'cashier' });
    expect(short.ok === false && short.error.code).toBe('CASH_DIFFERENCE_NEEDS_MANAGER');
    expect(short.ok === false && short.error.message).toContain('-10.00 EUR');
    const closed = closeDrawer(h.deps, {
      countedMinor: 11000,
      operatorId: 'cashier',
      reason: 'note missing',
      manager: MANAGER,
    });
    expect(closed.ok && closed.value).toMatchObject({ expectedMinor: 12000, differenceMinor: -1000 });
    expect(
      pendingOutbox(h.db, 20)
        .filter((m) => m.kind === 'CASH_MOVEMENT')
        .map((m) => (m.message as { reason: string }).reason),
    ).toEqual(['FLOAT', 'PETTY_CASH', 'CORRECTION']);
    // Within the limit a cashier closes alone.
    openDrawer(h.deps, { floatMinor: 5000, operatorId: 'cashier' });
    expect(closeDrawer(h.deps, { countedMinor: 4900, operatorId: 'cashier' }).ok).toBe(true);
  });
});

describe('manager refunds', () => {
  it('shows refundable per payment including what other channels refunded, and refuses more', async () => {
    h = await createHostRig();
    const { orderId, paymentId } = await cardSale(h, 10000);
    applyChangesFromSync(
      h.db,
      {
        storeId: h.deps.newId(),
        after: 0,
        nextCursor: 5,
        head: 5,
        hasMore: false,
        orders: [],
        changes: [
          {
            position: 5,
            orderId,
            orderSeq: 2,
            paymentSeq: 0,
            operation: {
              id: h.deps.newId(),
              paymentId,
              channel: 'ONLINE',
              occurredAt: new Date().toISOString(),
              kind: 'REFUND',
              amount: eur(3000),
            },
            terminalId: null,
            operatorId: null,
            merchantReference: null,
            recordedAt: new Date().toISOString(),
          },
        ],
      },
      new Date(),
    );
    const view = refundableOf(h.deps, orderId);
    expect(view.ok && view.value.payments[0]).toMatchObject({
      refundedElsewhereMinor: 3000,
      refundableMinor: 7000,
    });
    const tooMuch = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 8000, method: 'CORE_CARD', reason: 'broken', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(tooMuch.ok === false && tooMuch.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    const noReason = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 100, method: 'CORE_CARD', reason: ' ', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(noReason.ok === false && noReason.error.code).toBe('REFUND_REASON_REQUIRED');
  });

  it('offline, a refund to the card becomes a pending claim with a printed reference, done once the core accepts', async () => {
    h = await createHostRig();
    const { paymentId } = await cardSale(h, 5000);
    const r = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 2000, method: 'CORE_CARD', reason: 'damaged box', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(r.ok && r.value).toMatchObject({
      state: 'PENDING',
      reference: expect.stringMatching(/^R-[0-9A-F]{4}-[0-9A-F]{4}$/),
    });
    const claim = pendingOutbox(h.db, 10).at(-1)!;
    expect(claim.message).toMatchObject({ kind: 'REFUND', method: 'CARD', amount: eur(2000) });
    expect((claim.message as { reservationId?: string }).reservationId).toBeUndefined();
    // Online: the daemon pushes on request and the core accepts; the claim is done.
    h.online = true;
    const second = await executeRefund(
      { ...h.deps, syncNow: async () => coreAcceptsEverything(h) },
      { paymentId, amountMinor: 1000, method: 'CORE_CARD', reason: 'goodwill', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(second.ok && second.value.state).toBe('DONE');
    expect(auditTrail(h.db).map((e) => e.action)).toContain('REFUND_CLAIM_QUEUED');
  });

  it("needs a manager's approval bound to the exact amount for a cashier's request", async () => {
    h = await createHostRig();
    openDrawer(h.deps, { floatMinor: 0, operatorId: 'cashier' });
    const sale = await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'x', amountMinor: 3000, taxRateBp: 0 }],
      tenders: [{ method: 'CASH', tenderedMinor: 3000 }],
      operatorId: 'cashier',
    });
    const paymentId = sale.ok ? sale.value.tenders[0]!.paymentId! : '';
    const req = requestRefund(h.deps, {
      paymentId,
      amountMinor: 1000,
      method: 'CASH',
      reason: 'wrong size',
      operatorId: 'cashier',
      operatorPin: '1111',
    });
    expect(req.ok).toBe(true);
    if (!req.ok) return;
    const early = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 1000, method: 'CASH', reason: 'wrong size', operatorId: 'cashier' },
      { requestId: req.value.requestId },
    );
    expect(early.ok === false && early.error.code).toBe('REFUND_APPROVAL_MISMATCH');
    expect(approveRefund(h.deps, { requestId: req.value.requestId, ...MANAGER }).ok).toBe(true);
    const more = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 1500, method: 'CASH', reason: 'wrong size', operatorId: 'cashier' },
      { requestId: req.value.requestId },
    );
    expect(more.ok === false && more.error.code).toBe('REFUND_APPROVAL_MISMATCH');
    const done = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 1000, method: 'CASH', reason: 'wrong size', operatorId: 'cashier' },
      { requestId: req.value.requestId },
    );
    expect(done.ok && done.value.state).toBe('DONE');
    expect(drawerStatus(h.deps).expectedMinor).toBe(2000);
  });

  it('offline, caps a cash refund by what this counter collected on the order', async () => {
    h = await createHostRig();
    openDrawer(h.deps, { floatMinor: 10000, operatorId: 'cashier' });
    // A deposit of 20.00 here; the core later reports a 60.00 balance charged online on the same order.
    const dep = await takeDeposit(h.deps, {
      customer: { name: 'Olga' },
      totalMinor: 8000,
      deposit: { amountMinor: 2000 },
      tender: { method: 'CASH', tenderedMinor: 2000 },
      operatorId: 'cashier',
    });
    if (!dep.ok) throw new Error('deposit');
    const orderId = dep.value.orderId;
    const onlinePayment = formatPaymentId(1, 17);
    applyChangesFromSync(
      h.db,
      {
        storeId: h.deps.newId(),
        after: 0,
        nextCursor: 9,
        head: 9,
        hasMore: false,
        orders: [],
        changes: [
          {
            position: 9,
            orderId,
            orderSeq: 2,
            paymentSeq: 1,
            operation: {
              id: h.deps.newId(),
              paymentId: onlinePayment,
              channel: 'ONLINE',
              occurredAt: new Date().toISOString(),
              kind: 'SALE',
              amount: eur(6000),
            },
            terminalId: null,
            operatorId: null,
            merchantReference: null,
            recordedAt: new Date().toISOString(),
          },
        ],
      },
      new Date(),
    );
    const view = refundableOf(h.deps, orderId);
    expect(view.ok && view.value).toMatchObject({
      refundableMinor: 8000,
      offlineCashCapMinor: 2000,
      balanceDueMinor: 0,
    });
    const over = await executeRefund(
      h.deps,
      {
        paymentId: onlinePayment,
        amountMinor: 2500,
        method: 'CASH',
        reason: 'cancelled order',
        operatorId: 'manager',
      },
      { manager: MANAGER },
    );
    expect(over.ok === false && over.error.code).toBe('REFUND_CASH_OFFLINE_CAP');
    const within = await executeRefund(
      h.deps,
      {
        paymentId: onlinePayment,
        amountMinor: 2000,
        method: 'CASH',
        reason: 'cancelled order',
        operatorId: 'manager',
      },
      { manager: MANAGER },
    );
    expect(within.ok && within.value.state).toBe('DONE');
  });

  it('refuses a card-present refund while offline, saying what to do instead', async () => {
    h = await createHostRig();
    const { paymentId } = await cardSale(h, 1000);
    const r = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 500, method: 'TERMINAL_CARD', reason: 'return', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(r.ok === false && r.error.code).toBe('REFUND_NEEDS_CORE');
    expect(r.ok === false && r.error.message).toContain('through the core');
  });
});

describe('end of day', () => {
  it('puts the terminal and counter totals side by side, with deposits, balances owed and refunds by channel', async () => {
    h = await createHostRig();
    openDrawer(h.deps, { floatMinor: 0, operatorId: 'cashier' });
    const a = await cardSale(h, 1000);
    await cardSale(h, 2500);
    await takeDeposit(h.deps, {
      customer: { name: 'Ben', contact: '0171 555' },
      totalMinor: 9000,
      deposit: { amountMinor: 3000 },
      tender: { method: 'CARD' },
      operatorId: 'cashier',
    });
    await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'x', amountMinor: 700, taxRateBp: 0 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1000 }],
      operatorId: 'cashier',
    });
    await voidCardPayment(h.deps, { paymentId: a.paymentId, operatorId: 'cashier', manager: MANAGER });
    const r = await closeDay(h.deps, { operatorId: 'manager' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const z = r.value;
    expect(z.terminal).toMatchObject({ ok: true, totalMinor: 5500 });
    expect(z.counter).toMatchObject({ cardSalesMinor: 6500, cardVoidsMinor: 1000, cashSalesMinor: 700 });
    expect(z.differences[0]).toMatchObject({ terminalMinor: 5500, counterMinor: 5500, coreMinor: null });
    expect(z.deposits).toEqual({ count: 1, depositsMinor: 3000 });
    expect(z.balancesOwed).toMatchObject([{ customer: 'Ben', contact: '0171 555', balanceDueMinor: 6000 }]);
    expect(z.queued).toBeGreaterThan(0);
    expect(z.warnings.join('\n')).toContain('still queued');
    expect(pendingOutbox(h.db, 100).at(-1)?.message).toMatchObject({
      kind: 'END_OF_DAY',
      totals: [
        { method: 'CARD', salesMinor: 6500, voidsMinor: 1000 },
        { method: 'CASH', salesMinor: 700 },
      ],
    });
  });
});
