import type { StateCreator } from 'zustand';
import { money, type Money } from '../../src-shared/money';
import { basketTotal, toCheckoutEntries } from '../basket';
import type { HostCallResult } from '../host-link';
import { call, newCheckoutId, type SaleAnswer, type TenderInput } from './commands';
import type { AppDeps, Checkout, CheckoutPhase, CheckoutRequest, PaymentSlice, Store } from './shape';

export type { Checkout, CheckoutPhase, PaymentSlice } from './shape';

const MAX_MESSAGES = 20;
/** The terminal may take minutes (PIN, a slow authorisation); past that the outcome is unknown, not failed. */
const CARD_TIMEOUT_MS = 5 * 60_000;

/** How an answer's failed tender reads for the cashier. */
function phaseOfTender(state: string, code: string | undefined): CheckoutPhase {
  if (code === 'CARD_OUTCOME_PENDING' || state === 'PARKED') return 'unknown';
  if (state === 'DECLINED') return 'declined';
  if (state === 'NOT_CHARGED') return 'notCharged';
  return 'failed';
}

export const paymentSlice =
  (deps: AppDeps): StateCreator<Store, [], [], PaymentSlice> =>
  (set, get) => {
    const patch = (p: Partial<Checkout>) => {
      const c = get().checkout;
      if (c) set({ checkout: { ...c, ...p } });
    };
    const running = () => {
      const p = get().checkout?.phase;
      return p === 'starting' || p === 'inProgress' || p === 'cancelling';
    };

    /** Sends a checkout (or sends it again under the same id) and reads its answer. */
    async function send(request: CheckoutRequest, card: boolean): Promise<void> {
      const r = (await deps.host.call(request.command, request.input, {
        timeoutMs: card ? CARD_TIMEOUT_MS : undefined,
      })) as HostCallResult<SaleAnswer>;
      settle(r);
    }

    function settle(r: HostCallResult<SaleAnswer>): void {
      const c = get().checkout;
      if (!c) return;
      // The request may have reached the host before the link broke: the outcome is unknown, not failed.
      if (!r.ok && r.unreachable) return patch({ phase: 'unknown', error: r.detail });
      if (!r.ok)
        return patch({
          phase: r.error.code === 'CARD_OUTCOME_PENDING' ? 'unknown' : 'failed',
          error: r.error.message,
        });
      const answer = r.value;
      patch({ orderId: answer.orderId });
      const failed = answer.tenders.find((t) => !t.ok);
      if (failed) {
        return patch({
          answer,
          phase: phaseOfTender(failed.state, failed.error?.code),
          error: failed.error?.message ?? null,
        });
      }
      // No tender failed, yet nothing (or not all) was paid: an outcome read back after the terminal said
      // it did not go through. Only a deposit leaves a balance on purpose.
      if (answer.tenders.length === 0 || (c.kind !== 'deposit' && answer.balanceDueMinor > 0))
        return patch({ answer, phase: 'notCharged', error: null });
      patch({ answer, phase: 'approved', error: null });
      if (c.kind === 'sale') get().clearSale();
      if (c.kind === 'balance') void get().findBalanceOrder(answer.orderId);
    }

    async function start(
      kind: Checkout['kind'],
      request: CheckoutRequest,
      amount: Money,
      card: boolean,
    ): Promise<void> {
      if (get().checkout) return; // one checkout at a time; a second press must not start a second charge
      set({
        checkout: {
          request,
          kind,
          card,
          amount,
          phase: 'starting',
          messages: [],
          attemptId: null,
          answer: null,
          error: null,
          cancelRequested: false,
          orderId: null,
        },
      });
      if (kind === 'sale') await get().basketSaved();
      await send(request, card);
    }

    /** The outcome of a checkout this page did not start, from the attempt's state. */
    function finishResumed(state: string) {
      const phase: CheckoutPhase =
        state === 'APPROVED'
          ? 'approved'
          : state === 'DECLINED'
            ? 'declined'
            : state === 'NOT_CHARGED' || state === 'NONE'
              ? 'notCharged'
              : 'unknown';
      patch({ phase });
      // The host cleared its basket with the payment; this page's copy goes too.
      if (phase === 'approved') get().clearSale();
    }

    const operatorId = () => get().staff?.staffId ?? '';
    const saleRequest = (tenders: TenderInput[]): CheckoutRequest => ({
      command: 'sale.checkout',
      input: {
        entries: toCheckoutEntries(get().basket),
        ...(get().basket.discount ? { basketDiscount: get().basket.discount! } : {}),
        tenders,
        operatorId: operatorId(),
        checkoutId: newCheckoutId(),
      },
    });

    return {
      checkout: null,
      async startCardPayment(amount) {
        await start('sale', saleRequest([{ method: 'CARD' }]), amount, true);
      },
      async completeCashSale(given) {
        await start(
          'sale',
          saleRequest([{ method: 'CASH', tenderedMinor: given.amountMinor }]),
          basketTotal(get().basket),
          false,
        );
      },
      async startSplitPayment(cardPart, cashPart) {
        // The card first: if it is declined, no cash has changed hands yet.
        await start(
          'sale',
          saleRequest([
            { method: 'CARD', amountMinor: cardPart.amountMinor },
            { method: 'CASH', tenderedMinor: cashPart.amountMinor, amountMinor: cashPart.amountMinor },
          ]),
          money(cardPart.amountMinor + cashPart.amountMinor, cardPart.currency),
          true,
        );
      },
      async takeDeposit(d) {
        const depositMinor =
          'amount' in d.deposit
            ? d.deposit.amount.amountMinor
            : Math.round((d.total.amountMinor * Math.round(d.deposit.percent * 100)) / 10_000);
        const tender: TenderInput =
          d.tender === 'CARD'
            ? { method: 'CARD', amountMinor: depositMinor }
            : { method: 'CASH', tenderedMinor: d.tender.cashGiven.amountMinor, amountMinor: depositMinor };
        await start(
          'deposit',
          {
            command: 'deposit.take',
            input: {
              customer: { name: d.customerName.trim(), contact: d.contact.trim() || null },
              totalMinor: d.total.amountMinor,
              deposit: { amountMinor: depositMinor },
              tender,
              storeCard: true,
              operatorId: operatorId(),
              checkoutId: newCheckoutId(),
            },
          },
          money(depositMinor, d.total.currency),
          d.tender === 'CARD',
        );
      },
      async collectBalance(orderId, tender, amount) {
        const t: TenderInput =
          tender === 'CARD'
            ? { method: 'CARD', amountMinor: amount.amountMinor }
            : {
                method: 'CASH',
                tenderedMinor: tender.cashGiven.amountMinor,
                amountMinor: amount.amountMinor,
              };
        await start(
          'balance',
          {
            command: 'balance.collect',
            input: { orderId, tenders: [t], operatorId: operatorId(), checkoutId: newCheckoutId() },
          },
          amount,
          tender === 'CARD',
        );
      },
      async cancelCardPayment() {
        if (!running() || !get().checkout?.card) return;
        patch({ phase: 'cancelling', cancelRequested: true });
        const r = await call(deps.host, 'payment.cancel', {});
        // The terminal decides: the checkout's answer says whether the cancel won; a refusal leaves it running.
        if (r.ok && !r.value.requested) patch({ phase: 'inProgress' });
        else if (!r.ok && !r.unreachable) patch({ phase: 'inProgress', error: r.error.message });
      },
      async recoverCardPayment() {
        const c = get().checkout;
        if (!c || c.phase !== 'unknown') return;
        const r = await call(deps.host, 'attempt.recover', {});
        if (!r.ok) {
          // Still in doubt (the terminal does not answer yet, or a manager must settle it from the receipt).
          return patch({ error: r.unreachable ? r.detail : r.error.message });
        }
        // A resumed checkout has no request to send again: the recovered state is its outcome.
        if (!c.request) return finishResumed(r.value.state);
        // The same request under the same checkout id: the host answers what happened, never charges again.
        await send(c.request, c.card);
      },
      async retryCard() {
        const c = get().checkout;
        const answer = c?.answer;
        if (!c || !answer || (c.phase !== 'declined' && c.phase !== 'notCharged')) return;
        if (!c.request) return;
        const original = c.request.input as { tenders?: TenderInput[]; tender?: TenderInput };
        const done = new Set(answer.tenders.filter((t) => t.ok).map((t) => t.method));
        // What is left of the original tenders, on the same order, under a new checkout id.
        const tenders = (original.tenders ?? (original.tender ? [original.tender] : [])).filter(
          (t) => !done.has(t.method),
        );
        set({ checkout: null });
        await start(
          c.kind === 'deposit' ? 'deposit' : c.kind === 'balance' ? 'balance' : 'sale',
          {
            command: 'balance.collect',
            input: {
              orderId: answer.orderId,
              tenders,
              operatorId: operatorId(),
              checkoutId: newCheckoutId(),
              ...(c.kind === 'deposit' ? { storeCard: true } : {}),
            },
          },
          c.amount,
          true,
        );
      },
      terminalMessage(attemptId, text) {
        const c = get().checkout;
        if (!c || text === '' || (c.attemptId !== null && c.attemptId !== attemptId)) return;
        if (c.messages.at(-1) === text) return;
        patch({ messages: [...c.messages, text].slice(-MAX_MESSAGES), attemptId });
      },
      resumeCheckout(a) {
        if (get().checkout) return;
        set({
          checkout: {
            request: null,
            kind: 'sale',
            card: true,
            amount: money(a.amountMinor, deps.currency),
            phase: 'inProgress',
            messages: a.lastText ? [a.lastText] : [],
            attemptId: a.attemptId,
            answer: null,
            error: null,
            cancelRequested: false,
            orderId: null,
          },
        });
      },
      attemptFinished(attemptId, orderId, state) {
        const c = get().checkout;
        if (!c || c.request || c.attemptId !== attemptId) return;
        patch({ orderId });
        finishResumed(state);
      },
      attemptStarted(attemptId) {
        const c = get().checkout;
        if (c) return patch({ attemptId, phase: c.phase === 'starting' ? 'inProgress' : c.phase });
      },
      closeCheckout() {
        const c = get().checkout;
        // The unknown screen stays until the outcome is known: closing it would invite a second charge.
        if (!c || running() || c.phase === 'unknown') return;
        set({ checkout: null });
        if (c.phase === 'approved' && c.orderId) void get().showReceipt(c.orderId);
      },
    };
  };
