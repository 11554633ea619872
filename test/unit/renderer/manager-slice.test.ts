import { describe, expect, it } from 'vitest';
import type { HostCallResult, HostLink } from '../../../src-renderer/host-link';
import {
  createManagerStore,
  dayCloseWarning,
  lockedRefundOf,
  localiseCoreTimes,
  noticeForError,
  noticeForRefund,
  parseAmount,
  refundableReasons,
  refundLimit,
  refundMethods,
  type RefundablePayment,
} from '../../../src-renderer/state/manager-slice';

const card = (o: Partial<RefundablePayment> = {}): RefundablePayment => ({
  paymentId: '1000000000000000017',
  method: 'CARD',
  channel: 'IN_STORE',
  collectedHere: true,
  cardLast4: '4675',
  status: 'CAPTURED',
  collectedMinor: 3_000,
  refundedMinor: 0,
  refundedElsewhereMinor: 0,
  refundableMinor: 3_000,
  ...o,
});

const LOCKED =
  'This refund or payout cannot go ahead now: it repeats the refund of €10.00 made online at 08:10:05 UTC on ' +
  '2026-12-03 (refund 1000000000000000017_2), less than 10 minutes ago, so it is taken for the same refund sent ' +
  'twice and nothing was sent back. If it is a genuine further refund, send it again after 08:20:05 UTC on 2026-12-03.';

describe('the manager rules', () => {
  it('parses amounts in the display locale and refuses what is not one', () => {
    expect(parseAmount('12,50', 'EUR', 'de-DE')).toEqual({ ok: true, minor: 1_250 });
    expect(parseAmount('1,234.56', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 123_456 });
    expect(parseAmount('0', 'EUR', 'en-GB')).toEqual({
      ok: false,
      reason: 'the amount must be more than zero',
    });
    const bad = parseAmount('12.505', 'EUR', 'en-GB');
    expect(bad.ok).toBe(false);
  });

  it('says why a payment refunds less than was paid: here, elsewhere, the offline cash cap', () => {
    const p = card({ refundedMinor: 1_500, refundedElsewhereMinor: 1_000, refundableMinor: 1_500 });
    expect(
      refundableReasons(
        p,
        { offlineCashCapMinor: 500, refundableMinor: 1_500 },
        { online: false, method: 'CASH' },
      ),
    ).toEqual([
      { key: 'refund.why.refundedHere', amountMinor: 500 },
      { key: 'refund.why.refundedElsewhere', amountMinor: 1_000 },
      { key: 'refund.why.offlineCashCap', amountMinor: 500 },
    ]);
    expect(refundLimit(p, { offlineCashCapMinor: 500 }, { online: false, method: 'CASH' })).toBe(500);
    expect(refundLimit(p, { offlineCashCapMinor: 500 }, { online: true, method: 'CASH' })).toBe(1_500);
    expect(refundLimit(p, { offlineCashCapMinor: 500 }, { online: false, method: 'CORE_CARD' })).toBe(1_500);
    expect(
      refundableReasons(
        card(),
        { offlineCashCapMinor: 3_000, refundableMinor: 3_000 },
        { online: true, method: 'CORE_CARD' },
      ),
    ).toEqual([]);
  });

  it('refunds cash in cash only, cards to the card or in cash', () => {
    const cash = card({ method: 'CASH', cardLast4: null });
    expect(refundMethods(cash)).toEqual(['CASH']);
    expect(refundMethods(card())).toEqual(['CORE_CARD', 'TERMINAL_CARD', 'CASH']);
    expect(refundLimit(cash, { offlineCashCapMinor: 3_000 }, { online: true, method: 'CORE_CARD' })).toBe(0);
  });

  it("rewrites the core's UTC times in its words to the manager's local time, every one of them", () => {
    const berlin = (iso: string) =>
      new Intl.DateTimeFormat('de-DE', {
        timeZone: 'Europe/Berlin',
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(new Date(iso));
    const local = localiseCoreTimes(LOCKED, berlin);
    expect(local).not.toContain('UTC');
    expect(local).toContain('made online at 03.12.26, 09:10:05 (refund 1000000000000000017_2)');
    expect(local).toContain('send it again after 03.12.26, 09:20:05.');
    expect(localiseCoreTimes('no time here', berlin)).toBe('no time here');
  });

  it('reads the earlier refund out of REFUND_ORDER_LOCKED to name it in the manager language', () => {
    expect(lockedRefundOf(LOCKED)).toEqual({
      amount: '€10.00',
      channel: 'ONLINE',
      at: '2026-12-03T08:10:05Z',
      reference: '1000000000000000017_2',
    });
    expect(noticeForError({ code: 'REFUND_ORDER_LOCKED', message: LOCKED })).toMatchObject({
      tone: 'bad',
      key: 'refund.lockedRepeat',
      locked: { channel: 'ONLINE', reference: '1000000000000000017_2' },
    });
    // A refund in progress elsewhere is not a repeat: the other sentence.
    expect(
      noticeForError({
        code: 'REFUND_ORDER_LOCKED',
        message: 'This refund or payout cannot go ahead now: another…',
      }),
    ).toMatchObject({ key: 'refund.lockedBusy' });
    expect(
      noticeForError({
        code: 'STAFF_PIN_INVALID',
        message: 'Wrong PIN for manager. 4 attempts left before lockout.',
      }),
    ).toMatchObject({
      key: 'manager.wrongPin',
      text: 'Wrong PIN for manager. 4 attempts left before lockout.',
    });
  });

  it('reads a refund answer: done and queued with their reference; a refusal by the core as the lock', () => {
    const base = {
      requestId: 'r',
      reference: 'R-ABCD-1234',
      orderId: 'o',
      paymentId: 'p',
      amountMinor: 100,
      method: 'CORE_CARD' as const,
    };
    expect(noticeForRefund({ ...base, state: 'DONE', error: null })).toEqual({
      tone: 'good',
      key: 'refund.done',
      params: { reference: 'R-ABCD-1234' },
    });
    expect(noticeForRefund({ ...base, state: 'PENDING', error: null })).toMatchObject({
      key: 'refund.pending',
    });
    expect(
      noticeForRefund({
        ...base,
        state: 'REJECTED',
        error: {
          code: 'REFUND_REFUSED_BY_CORE',
          message: `The core refused refund R-ABCD-1234: REFUND_ORDER_LOCKED: ${LOCKED}`,
        },
      }),
    ).toMatchObject({ key: 'refund.lockedRepeat' });
  });

  it('warns at end of day while anything is queued', () => {
    expect(dayCloseWarning(0)).toBeNull();
    expect(dayCloseWarning(3)).toEqual({ tone: 'bad', key: 'day.queuedWarning', params: { count: 3 } });
  });
});

/** A scripted host link (a stand-in for the host: the slice's own logic is what is tested here). */
function scriptedHost(answers: Record<string, (input: unknown) => HostCallResult<unknown>>) {
  const calls: { command: string; input: unknown }[] = [];
  const host: HostLink = {
    mode: 'bridge',
    async call<T>(command: string, input?: unknown) {
      calls.push({ command, input });
      const a = answers[command];
      return (
        a ? a(input) : { ok: false, error: { code: 'HOST_COMMAND_INVALID', message: command } }
      ) as HostCallResult<T>;
    },
    subscribe: () => () => undefined,
  };
  return { host, calls };
}

describe('the manager store with a scripted host link', () => {
  it('a refund over the limit is refused before the host is asked; a wrong PIN reads as such', async () => {
    const view = {
      orderId: 'o1',
      currency: 'EUR',
      totalMinor: 3_000,
      collectedMinor: 3_000,
      refundedMinor: 0,
      refundableMinor: 3_000,
      balanceDueMinor: 0,
      offlineCashCapMinor: 3_000,
      payments: [card()],
    };
    const { host, calls } = scriptedHost({
      'order.timeline': () => ({
        ok: true,
        value: {
          order: { orderId: 'o1' },
          customer: null,
          entries: [],
          collectedMinor: 3_000,
          refundedMinor: 0,
          balanceDueMinor: 0,
          refundableMinor: 3_000,
        },
      }),
      'order.refundable': () => ({ ok: true, value: view }),
      status: () => ({ ok: true, value: { online: true, drawerOpen: false, drawerExpectedMinor: null } }),
      'refund.execute': (input) =>
        (input as { manager: { managerPin: string } }).manager.managerPin === '9999'
          ? {
              ok: true,
              value: {
                state: 'DONE',
                requestId: 'r',
                reference: 'R-1',
                orderId: 'o1',
                paymentId: card().paymentId,
                amountMinor: 500,
                method: 'CORE_CARD',
                error: null,
              },
            }
          : {
              ok: false,
              error: {
                code: 'STAFF_PIN_INVALID',
                message: 'Wrong PIN for manager. 4 attempts left before lockout.',
              },
            },
    });
    const store = createManagerStore({ host, currency: 'EUR', locale: 'de-DE', operatorId: 'cashier' });
    await store.getState().openOrder('o1');
    expect(store.getState().view).toBe('order');
    store.getState().startRefund(card().paymentId);
    const input = { paymentId: card().paymentId, method: 'CORE_CARD' as const, reason: 'defect' };
    expect(
      await store
        .getState()
        .refund({ ...input, amountText: '30,01', manager: { managerId: 'manager', managerPin: '9999' } }),
    ).toBe(false);
    expect(store.getState().notice).toEqual({
      tone: 'bad',
      key: 'refund.overLimit',
      params: { limitMinor: 3_000 },
    });
    expect(calls.some((c) => c.command === 'refund.execute')).toBe(false);

    expect(
      await store
        .getState()
        .refund({ ...input, amountText: '5', manager: { managerId: 'manager', managerPin: '1234' } }),
    ).toBe(false);
    expect(store.getState().notice).toMatchObject({ key: 'manager.wrongPin' });
    expect(
      await store
        .getState()
        .refund({ ...input, amountText: '5', manager: { managerId: 'manager', managerPin: '9999' } }),
    ).toBe(true);
    expect(store.getState().notice).toMatchObject({ tone: 'good', key: 'refund.done' });
    expect(calls.filter((c) => c.command === 'refund.execute').map((c) => c.input)).toEqual([
      {
        ...input,
        amountMinor: 500,
        operatorId: 'cashier',
        manager: { managerId: 'manager', managerPin: '1234' },
      },
      {
        ...input,
        amountMinor: 500,
        operatorId: 'cashier',
        manager: { managerId: 'manager', managerPin: '9999' },
      },
    ]);
  });

  it('a drawer count over the limit asks for a manager and a reason', async () => {
    const { host } = scriptedHost({
      'drawer.close': (input) =>
        (input as { manager?: unknown }).manager
          ? {
              ok: true,
              value: { sessionId: 's', expectedMinor: 10_000, countedMinor: 9_000, differenceMinor: -1_000 },
            }
          : { ok: false, error: { code: 'CASH_DIFFERENCE_NEEDS_MANAGER', message: 'needs a manager' } },
      status: () => ({ ok: true, value: { online: true, drawerOpen: false, drawerExpectedMinor: null } }),
    });
    const store = createManagerStore({ host, currency: 'EUR', locale: 'en-GB', operatorId: 'cashier' });
    expect(await store.getState().closeDrawer({ countedText: '90.00' })).toBe(false);
    expect(store.getState().countNeedsManager).toBe(true);
    expect(
      await store.getState().closeDrawer({
        countedText: '90.00',
        reason: 'note missing',
        manager: { managerId: 'manager', managerPin: '9999' },
      }),
    ).toBe(true);
    expect(store.getState().lastCount?.differenceMinor).toBe(-1_000);
    expect(store.getState().countNeedsManager).toBe(false);
  });

  it('host not reachable is its own notice, never a success', async () => {
    const { host } = scriptedHost({
      'sync.now': () => ({ ok: false, unreachable: true, detail: 'timeout' }),
    });
    const store = createManagerStore({ host, currency: 'EUR', locale: 'en-GB', operatorId: 'm' });
    await store.getState().syncNow();
    expect(store.getState().notice).toEqual({ tone: 'bad', key: 'manager.hostUnreachable' });
    expect(store.getState().lastSync).toBeNull();
  });
});
