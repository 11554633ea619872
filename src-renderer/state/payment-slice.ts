import type { StateCreator } from 'zustand';
import { COMMANDS, type CardOutcome } from './commands';
import type { AppDeps, Store, CardPayment, PaymentSlice } from './shape';

export type { CardPhase, CardPayment, PaymentSlice } from './shape';

const MAX_MESSAGES = 20;
const CARD_TIMEOUT_MS = 5 * 60_000;

export const paymentSlice =
  (deps: AppDeps): StateCreator<Store, [], [], PaymentSlice> =>
  (set, get) => {
    const patchCard = (patch: Partial<CardPayment>) => {
      const card = get().card;
      if (card) set({ card: { ...card, ...patch } });
    };
    return {
      card: null,
      async startCardPayment(amount) {
        if (get().card) return; // one payment at a time; a second press must not start a second charge
        set({ card: { amount, phase: 'starting', messages: [], error: null } });
        // The terminal may take minutes (PIN, a slow authorisation); past that the outcome is unknown, not failed.
        const r = await deps.host.call(COMMANDS.startCardPayment, { amount }, { timeoutMs: CARD_TIMEOUT_MS });
        if (r.ok) patchCard({ phase: get().card?.phase === 'starting' ? 'inProgress' : get().card?.phase });
        // The request may have reached the host before the link broke: the outcome is unknown, not failed.
        else if (r.unreachable) patchCard({ phase: 'unknown', error: r.detail });
        else patchCard({ phase: 'declined', error: r.error.message });
      },
      async cancelCardPayment() {
        const card = get().card;
        if (!card || (card.phase !== 'inProgress' && card.phase !== 'starting')) return;
        patchCard({ phase: 'cancelling' });
        const r = await deps.host.call(COMMANDS.cancelCardPayment);
        // The terminal decides: the outcome event says whether the cancel won; a refusal leaves it running.
        if (!r.ok && !r.unreachable) patchCard({ phase: 'inProgress', error: r.error.message });
      },
      async recoverCardPayment() {
        const r = await deps.host.call<{ outcome: CardOutcome }>(COMMANDS.recoverCardPayment);
        if (r.ok) get().cardOutcome(r.value.outcome);
        else patchCard({ error: r.unreachable ? r.detail : r.error.message });
      },
      terminalMessage(text) {
        const card = get().card;
        if (!card || text === '') return;
        patchCard({ messages: [...card.messages, text].slice(-MAX_MESSAGES) });
      },
      cardOutcome(outcome) {
        patchCard({ phase: outcome });
        if (outcome === 'approved') get().clearSale();
      },
      closeCardPayment() {
        const card = get().card;
        // The unknown screen stays until the outcome is known: closing it would invite a second charge.
        if (card && (card.phase === 'unknown' || card.phase === 'inProgress' || card.phase === 'starting'))
          return;
        set({ card: null });
      },
    };
  };
