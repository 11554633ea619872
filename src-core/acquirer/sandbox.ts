/**
 * The sandbox acquirer: deterministic outcomes by test card and amount (src-shared/test-cards.ts, the table
 * the README documents), any other Luhn-valid card with a future expiry approved, as acquirers' test
 * environments do. It knows the card tokens the virtual card terminal reports, so a card used at the counter
 * can be charged online later.
 *
 * Like an external acquirer it keeps its own durable records (`sandbox_acquirer_journal`, sandbox-records.ts):
 * every request is stored under the core's reference before it is answered, a request repeated with the same
 * reference gets the first answer (never a second charge), and `inquire(reference)` answers from the records,
 * so it still knows after a core crash what it approved. Two core processes share it through the database.
 */
import { randomInt, randomUUID } from 'node:crypto';
import {
  acquirerAmountOutcome,
  cardBrandFromPan,
  domainError,
  isExpired,
  isPlausiblePan,
  lastFour,
  maskPan,
  testCardByPan,
  testCardByToken,
  toDecimalString,
  type ErrorCode,
  type Money,
  type OnlineOutcome,
  type TestCard,
} from '../../src-shared';
import type { Queryable } from '../db/adapter';
import type { AcquiredCard, Acquirer, AuthoriseOutcome, CardInput, MoneyMovementResult } from './acquirer';
import { sandboxRecords, type SandboxAnswer, type SandboxRecords } from './sandbox-records';

/** References of cards that are not test cards: random, so nothing about the PAN is derivable from them. */
const SANDBOX_REF_PREFIX = 'sbx_';

export interface SandboxOptions {
  /**
   * Where the sandbox keeps its own records: a store of its own (sandbox-file-records.ts: a file shared by the
   * core processes, or memory), as a separate acquirer would; or, given `db` instead, the
   * `sandbox_acquirer_journal` table of that database (the core never reads it). One of the two.
   */
  records?: SandboxRecords;
  db?: Queryable;
  /** Simulated latency of every acquirer call, in ms (0 in tests). */
  latencyMs?: number;
  /** How long an acquirer time-out takes before the core gives up, in ms. */
  timeoutMs?: number;
  clock?: { now(): Date };
}

/** A sandbox call whose answer is lost on the way back (test amounts ending in 99.91). */
export class SandboxTimeout extends Error {
  constructor(kind: string, reference: string) {
    super(`sandbox acquirer: no answer to the ${kind.toLowerCase()} ${reference} (test amount, time-out)`);
    this.name = 'SandboxTimeout';
  }
}

const DECLINE_REASON: Record<Exclude<OnlineOutcome, 'APPROVE' | 'TIMEOUT'>, ErrorCode> = {
  DECLINE: 'CARD_DECLINED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  EXPIRED: 'CARD_EXPIRED',
  STOLEN: 'CARD_STOLEN',
};

function testCardFacts(card: TestCard): AcquiredCard {
  return {
    brand: card.brand,
    bin: card.pan.slice(0, 6),
    last4: card.pan.slice(-4),
    expiry: card.expiry,
    cardRef: card.token,
    maskedPan: maskPan(card.pan),
  };
}

export function createSandboxAcquirer(options: SandboxOptions): Acquirer {
  const records =
    options.records ??
    (options.db ? sandboxRecords(options.db) : null) ??
    (() => {
      throw new Error('the sandbox acquirer needs a store for its records (records or db)');
    })();
  const clock = options.clock ?? { now: () => new Date() };
  const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
  const latency = () => wait(options.latencyMs ?? 0);
  const reference = () => `sbx-${randomUUID()}`;
  // randomInt draws from node's cached block; randomBytes(3) asked the kernel for 3 bytes every time (3 % of
  // the core's CPU in a subsequent payment).
  const authCode = () => String(randomInt(1_000_000)).padStart(6, '0');

  function factsOf(card: CardInput): { facts: AcquiredCard; testCard: TestCard | undefined } | null {
    if (card.kind === 'pan') {
      const testCard = testCardByPan(card.pan);
      if (testCard) return { facts: { ...testCardFacts(testCard), expiry: card.expiry }, testCard };
      return {
        facts: {
          brand: cardBrandFromPan(card.pan),
          bin: card.pan.slice(0, 6),
          last4: lastFour(card.pan),
          expiry: card.expiry,
          cardRef: SANDBOX_REF_PREFIX + randomUUID(),
          maskedPan: maskPan(card.pan),
        },
        testCard: undefined,
      };
    }
    const testCard = testCardByToken(card.cardRef);
    if (testCard)
      return { facts: { ...testCardFacts(testCard), expiry: card.expiry ?? testCard.expiry }, testCard };
    if (!card.cardRef.startsWith(SANDBOX_REF_PREFIX)) return null;
    return {
      facts: {
        brand: 'UNKNOWN',
        bin: null,
        last4: '0000',
        expiry: card.expiry,
        cardRef: card.cardRef,
        maskedPan: '',
      },
      testCard: undefined,
    };
  }

  /** The outcome for a card and amount, by the documented test-card table. */
  async function decide(card: CardInput, amount: Money): Promise<SandboxAnswer & { type: 'AUTHORISATION' }> {
    const done = (outcome: Exclude<AuthoriseOutcome, { outcome: 'UNKNOWN' }>) =>
      ({ type: 'AUTHORISATION', outcome, resolution: outcome }) as const;
    const found = factsOf(card);
    if (!found)
      return done({
        outcome: 'DECLINED',
        reason: 'CARD_INVALID',
        acquirerReference: reference(),
        card: null,
      });
    const { facts, testCard } = found;
    const expiry = facts.expiry;
    const outcome: OnlineOutcome = testCard?.online ?? 'APPROVE';
    if (outcome === 'TIMEOUT') {
      await wait(options.timeoutMs ?? 0);
      const acquirerReference = reference();
      return {
        type: 'AUTHORISATION',
        outcome: { outcome: 'UNKNOWN', acquirerReference, card: facts },
        resolution: { outcome: 'DECLINED', reason: 'ACQUIRER_TIMEOUT', acquirerReference, card: facts },
      };
    }
    const declined = (reason: ErrorCode) =>
      done({ outcome: 'DECLINED', reason, acquirerReference: reference(), card: facts });
    const approved = () =>
      done({
        outcome: 'APPROVED',
        authorisationCode: authCode(),
        acquirerReference: reference(),
        card: facts,
      });
    if (outcome === 'EXPIRED' || (expiry !== null && isExpired(expiry, clock.now()))) {
      return declined('CARD_EXPIRED');
    }
    if (outcome === 'INSUFFICIENT_FUNDS') {
      return amount.amountMinor <= (testCard?.fundsLimitMinor ?? 0)
        ? approved()
        : declined('INSUFFICIENT_FUNDS');
    }
    if (outcome !== 'APPROVE') return declined(DECLINE_REASON[outcome]);
    return approved();
  }

  function repeatedAuthorisation(seen: SandboxAnswer, ref: string): AuthoriseOutcome {
    if (seen.type !== 'AUTHORISATION')
      throw new Error(
        `reference ${ref} was first used for a ${seen.type.toLowerCase()}, not an authorisation`,
      );
    return seen.outcome;
  }

  /**
   * Captures, cancels, refunds and payouts: carried out, except captures, refunds and payouts of the
   * documented test amounts (src-shared/test-cards.ts `ACQUIRER_TEST_AMOUNTS`): declined, or carried out
   * with the answer lost (a time-out the core resolves by inquiry, as after a real acquirer's time-out).
   */
  async function movement(
    kind: 'CAPTURE' | 'CANCEL' | 'REFUND' | 'PAYOUT',
    ref: string,
    paymentId: string | null,
    amount: Money | null,
  ): Promise<MoneyMovementResult> {
    await latency();
    const byAmount = kind !== 'CANCEL' && amount ? acquirerAmountOutcome(amount.amountMinor) : null;
    const result: MoneyMovementResult =
      byAmount === 'DECLINE' && amount
        ? {
            ok: false,
            error: domainError('ACQUIRER_DECLINED', {
              kind: kind.toLowerCase(),
              amount: `${toDecimalString(amount)} ${amount.currency}`,
              paymentId: paymentId ?? 'unknown',
            }),
          }
        : { ok: true, acquirerReference: reference() };
    // Stored before it is answered; a repeated reference gets what was stored first.
    const stored = await records.put({
      reference: ref,
      kind,
      paymentId,
      amount,
      answer: { type: 'MOVEMENT', kind, result },
    });
    if (stored.type !== 'MOVEMENT' || stored.kind !== kind)
      throw new Error(`reference ${ref} was first used for another kind of request`);
    if (byAmount === 'TIMEOUT') {
      // Done and stored, but the answer never reaches the core: like a real connector's time-out, the call
      // fails, and `inquire(reference)` finds the stored result.
      await wait(options.timeoutMs ?? 0);
      throw new SandboxTimeout(kind, ref);
    }
    return stored.result;
  }

  const acquirer: Acquirer = {
    name: 'sandbox',
    validateCard(card, now) {
      if (card.kind === 'pan') {
        if (!isPlausiblePan(card.pan)) {
          return domainError('CARD_INVALID', {
            reason: 'the card number is not 12-19 digits with a valid check digit',
          });
        }
        if (!/^\d{4}$/.test(card.expiry) || !/^(0[1-9]|1[0-2])/.test(card.expiry)) {
          return domainError('CARD_INVALID', { reason: 'the expiry date is not MMYY' });
        }
        if (card.cvv !== undefined && !/^\d{3,4}$/.test(card.cvv)) {
          return domainError('CARD_INVALID', { reason: 'the CVV is not 3 or 4 digits' });
        }
        return null;
      }
      if (!factsOf(card))
        return domainError('CARD_INVALID', { reason: 'the acquirer does not know this card reference' });
      void now;
      return null;
    },
    async authorise(req) {
      await latency();
      const answer = await decide(req.card, req.amount);
      const stored = await records.put({
        reference: req.reference,
        kind: 'AUTHORISE',
        paymentId: req.paymentId,
        amount: req.amount,
        answer,
      });
      return repeatedAuthorisation(stored, req.reference);
    },
    async inquire(reference) {
      await latency();
      const seen = await records.find(reference);
      if (!seen) return { state: 'NOT_RECEIVED' };
      if (seen.type === 'MOVEMENT') return { state: 'MOVEMENT', result: seen.result };
      if (seen.outcome.outcome !== 'UNKNOWN') return { state: 'AUTHORISATION', outcome: seen.outcome };
      // A timed-out authorisation never reached the issuer in the sandbox: nothing was authorised. From now
      // on the request's answer is that decline (a repeat of the reference gets it too).
      const final = seen.resolution;
      await records.resolve(reference, { ...seen, outcome: final });
      return { state: 'AUTHORISATION', outcome: final };
    },
    capture: (req) => movement('CAPTURE', req.reference, null, req.amount),
    cancel: (req) => movement('CANCEL', req.reference, null, req.amount),
    refund: (req) => movement('REFUND', req.reference, req.paymentId, req.amount),
    payout: (req) => movement('PAYOUT', req.reference, req.paymentId, req.amount),
    async tokenize(card, now) {
      const invalid = acquirer.validateCard(card, now);
      if (invalid) return { ok: false, error: invalid };
      const found = factsOf(card);
      if (!found)
        return { ok: false, error: domainError('CARD_INVALID', { reason: 'unknown card reference' }) };
      if (found.facts.expiry && isExpired(found.facts.expiry, now)) {
        return { ok: false, error: domainError('CARD_EXPIRED') };
      }
      return { ok: true, card: found.facts };
    },
    describeCardRef(cardRef) {
      const testCard = testCardByToken(cardRef);
      return testCard ? testCardFacts(testCard) : null;
    },
  };
  return acquirer;
}
