/**
 * The sandbox acquirer: deterministic outcomes by test card and amount (src-shared/test-cards.ts, the table
 * the README documents), any other Luhn-valid card with a future expiry approved, as acquirers' test
 * environments do. It knows the card tokens the virtual card terminal reports, so a card used at the counter
 * can be charged online later. Stateless: references it issues carry what it needs, so two core processes
 * share it without coordination.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  cardBrandFromPan,
  domainError,
  isExpired,
  isPlausiblePan,
  lastFour,
  maskPan,
  testCardByPan,
  testCardByToken,
  type ErrorCode,
  type OnlineOutcome,
  type TestCard,
} from '../../src-shared';
import type { AcquiredCard, Acquirer, AuthoriseOutcome, CardInput } from './acquirer';

/** References of cards that are not test cards: random, so nothing about the PAN is derivable from them. */
const SANDBOX_REF_PREFIX = 'sbx_';
/** Acquirer references of authorisations that timed out: `inquire` finds they never reached the issuer. */
const TIMED_OUT_PREFIX = 'sbx-timeout-';

export interface SandboxOptions {
  /** Simulated latency of every acquirer call, in ms (0 in tests). */
  latencyMs?: number;
  /** How long an acquirer time-out takes before the core gives up, in ms. */
  timeoutMs?: number;
  clock?: { now(): Date };
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

export function createSandboxAcquirer(options: SandboxOptions = {}): Acquirer {
  const clock = options.clock ?? { now: () => new Date() };
  const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
  const latency = () => wait(options.latencyMs ?? 0);
  const reference = () => `sbx-${randomUUID()}`;
  const authCode = () => String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0');

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
      const found = factsOf(req.card);
      if (!found)
        return { outcome: 'DECLINED', reason: 'CARD_INVALID', acquirerReference: reference(), card: null };
      const { facts, testCard } = found;
      const expiry = facts.expiry;
      const outcome: OnlineOutcome = testCard?.online ?? 'APPROVE';
      if (outcome === 'TIMEOUT') {
        await wait(options.timeoutMs ?? 0);
        return { outcome: 'UNKNOWN', acquirerReference: TIMED_OUT_PREFIX + randomUUID(), card: facts };
      }
      if (outcome === 'EXPIRED' || (expiry !== null && isExpired(expiry, clock.now()))) {
        return { outcome: 'DECLINED', reason: 'CARD_EXPIRED', acquirerReference: reference(), card: facts };
      }
      if (outcome === 'INSUFFICIENT_FUNDS') {
        if (req.amount.amountMinor <= (testCard?.fundsLimitMinor ?? 0)) {
          return {
            outcome: 'APPROVED',
            authorisationCode: authCode(),
            acquirerReference: reference(),
            card: facts,
          };
        }
        return {
          outcome: 'DECLINED',
          reason: 'INSUFFICIENT_FUNDS',
          acquirerReference: reference(),
          card: facts,
        };
      }
      if (outcome !== 'APPROVE') {
        return {
          outcome: 'DECLINED',
          reason: DECLINE_REASON[outcome],
          acquirerReference: reference(),
          card: facts,
        };
      }
      return {
        outcome: 'APPROVED',
        authorisationCode: authCode(),
        acquirerReference: reference(),
        card: facts,
      };
    },
    async inquire(acquirerReference) {
      await latency();
      // A timed-out authorisation never reached the issuer in the sandbox: nothing was authorised.
      if (acquirerReference.startsWith(TIMED_OUT_PREFIX)) {
        return {
          outcome: 'DECLINED',
          reason: 'ACQUIRER_TIMEOUT',
          acquirerReference,
          card: null,
        } satisfies AuthoriseOutcome;
      }
      return { outcome: 'UNKNOWN' };
    },
    async capture() {
      await latency();
      return { ok: true, acquirerReference: reference() };
    },
    async cancel() {
      await latency();
      return { ok: true, acquirerReference: reference() };
    },
    async refund() {
      await latency();
      return { ok: true, acquirerReference: reference() };
    },
    async payout() {
      await latency();
      return { ok: true, acquirerReference: reference() };
    },
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
