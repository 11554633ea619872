/**
 * The test cards of the virtual card terminal and of the core's sandbox acquirer: one table, so a card used at
 * the counter can be charged online later with the token the terminal reported (the omnichannel story).
 * These are public test numbers, never real cards. The README documents this table.
 *
 * - `online`: what the sandbox acquirer answers for this card (any other Luhn-valid number with a future
 *   expiry is approved, as acquirers' test environments do).
 * - `inStore`: what the virtual terminal does when this card is presented.
 * - `token`: the stable card token the virtual terminal sends in TLV and the sandbox acquirer accepts.
 */
import type { CardBrand } from './cards';

export type OnlineOutcome = 'APPROVE' | 'DECLINE' | 'INSUFFICIENT_FUNDS' | 'EXPIRED' | 'STOLEN' | 'TIMEOUT';

export type InStoreOutcome =
  | 'APPROVE'
  | 'APPROVE_WITH_PIN'
  | 'DECLINE'
  | 'INSUFFICIENT_FUNDS'
  | 'EXPIRED'
  | 'BLOCKED'
  | 'HOST_TIMEOUT'
  | 'CARD_REMOVED'
  | 'CUSTOMER_ABORT';

export interface TestCard {
  readonly id: string;
  readonly label: string;
  readonly brand: CardBrand;
  readonly pan: string;
  /** MMYY */
  readonly expiry: string;
  readonly token: string;
  readonly online: OnlineOutcome;
  readonly inStore: InStoreOutcome;
  /** For INSUFFICIENT_FUNDS cards: amounts up to this many minor units are approved, anything above declined. */
  readonly fundsLimitMinor?: number;
}

export const TEST_CARDS: readonly TestCard[] = [
  {
    id: 'visa-approve',
    label: 'Visa, approved (contactless, no PIN)',
    brand: 'VISA',
    pan: '4330264936344675',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000001',
    online: 'APPROVE',
    inStore: 'APPROVE',
  },
  {
    id: 'mastercard-pin',
    label: 'Mastercard, approved after PIN entry',
    brand: 'MASTERCARD',
    pan: '5555555555554444',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000002',
    online: 'APPROVE',
    inStore: 'APPROVE_WITH_PIN',
  },
  {
    id: 'girocard-pin',
    label: 'girocard, approved after PIN entry',
    brand: 'GIROCARD',
    pan: '6703000000000000003',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000003',
    online: 'APPROVE',
    inStore: 'APPROVE_WITH_PIN',
  },
  {
    id: 'amex-approve',
    label: 'American Express, approved',
    brand: 'AMEX',
    pan: '374245455400126',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000004',
    online: 'APPROVE',
    inStore: 'APPROVE',
  },
  {
    id: 'visa-declined',
    label: 'Visa, declined by the issuer',
    brand: 'VISA',
    pan: '4000000000000002',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000005',
    online: 'DECLINE',
    inStore: 'DECLINE',
  },
  {
    id: 'visa-limit-100',
    label: 'Visa, approved up to 100.00, insufficient funds above',
    brand: 'VISA',
    pan: '4000000000000010',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000006',
    online: 'INSUFFICIENT_FUNDS',
    inStore: 'INSUFFICIENT_FUNDS',
    fundsLimitMinor: 10_000,
  },
  {
    id: 'visa-expired',
    label: 'Visa, expired (01/20)',
    brand: 'VISA',
    pan: '4000000000000069',
    expiry: '0120',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000007',
    online: 'EXPIRED',
    inStore: 'EXPIRED',
  },
  {
    id: 'mastercard-stolen',
    label: 'Mastercard, reported stolen (blocked list)',
    brand: 'MASTERCARD',
    pan: '5200000000001005',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000008',
    online: 'STOLEN',
    inStore: 'BLOCKED',
  },
  {
    id: 'visa-timeout',
    label: 'Visa, the acquirer/host does not answer',
    brand: 'VISA',
    pan: '4000000000000093',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000009',
    online: 'TIMEOUT',
    inStore: 'HOST_TIMEOUT',
  },
  {
    id: 'maestro-removed',
    label: 'girocard, pulled out of the reader mid-payment',
    brand: 'GIROCARD',
    pan: '6703000000000000102',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000010',
    online: 'APPROVE',
    inStore: 'CARD_REMOVED',
  },
  {
    id: 'visa-abort',
    label: 'Visa, the customer presses Abort on the PIN pad',
    brand: 'VISA',
    pan: '4000000000000036',
    expiry: '1230',
    token: '0f6b2a4e-1c3d-4e5f-8a7b-000000000011',
    online: 'APPROVE',
    inStore: 'CUSTOMER_ABORT',
  },
];

export const DEFAULT_TEST_CARD_ID = 'visa-approve';

export function testCardById(id: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.id === id);
}

export function testCardByPan(pan: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.pan === pan);
}

export function testCardByToken(token: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.token === token);
}

/**
 * Amounts the sandbox acquirer refuses or leaves unanswered for captures, refunds and payouts (never for
 * authorisations, cancels or reversals), whatever the card: so a tester can reach the decline and time-out
 * paths of money going back or being collected. Matched on the last four digits of the amount in minor units
 * (99.05 and 1,099.05 EUR alike); the two endings echo ISO 8583 response codes 05 "do not honour" and 91
 * "issuer or switch inoperative". Four digits, not two, because the concurrency suites refund generated
 * amounts of every cent value between 10.00 and 60.00, and those must never be declined by accident.
 *
 * - `DECLINE`: the acquirer refuses; nothing moves and nothing is recorded (ACQUIRER_DECLINED).
 * - `TIMEOUT`: the acquirer carries the request out but its answer never arrives: the caller hears
 *   ACQUIRER_TIMEOUT, and reconciliation (which asks the acquirer) records the operation exactly once.
 */
export type AcquirerAmountOutcome = 'DECLINE' | 'TIMEOUT';

export interface AcquirerTestAmount {
  /** The amount in minor units modulo 10,000 (9905: 99.05, 199.05, 1,099.05 … in a currency with cents). */
  readonly minorEnding: number;
  readonly outcome: AcquirerAmountOutcome;
  readonly label: string;
}

export const ACQUIRER_TEST_AMOUNT_MODULUS = 10_000;

export const ACQUIRER_TEST_AMOUNTS: readonly AcquirerTestAmount[] = [
  { minorEnding: 9_905, outcome: 'DECLINE', label: 'declined by the acquirer (like ISO 8583 response 05)' },
  {
    minorEnding: 9_991,
    outcome: 'TIMEOUT',
    label: 'the acquirer does not answer (like ISO 8583 response 91)',
  },
];

/** What the sandbox acquirer does with a capture, refund or payout of this amount; null: carried out. */
export function acquirerAmountOutcome(amountMinor: number): AcquirerAmountOutcome | null {
  const ending = amountMinor % ACQUIRER_TEST_AMOUNT_MODULUS;
  return ACQUIRER_TEST_AMOUNTS.find((a) => a.minorEnding === ending)?.outcome ?? null;
}
