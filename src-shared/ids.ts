/**
 * Identifiers. Payment ids are 19 decimal digits that a terminal mints offline and the core mints online,
 * unique across channels without coordination; every other id (orders, operations, outbox messages) is a
 * UUIDv7 minted where the fact happens (architecture.md "Money, ids and time").
 */
import { DomainException, domainError, type DomainError } from './errors';
import { err, ok, type Result } from './result';

// ── UUIDv7 (RFC 9562 §5.7) ─────────────────────────────────────────────────────────────────────────

export type Uuid = string & { readonly __brand: 'Uuid' };

export interface UuidSources {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Cryptographically random bytes (`crypto.getRandomValues` on both sides). */
  randomBytes(length: number): Uint8Array;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Returns a generator of UUIDv7s that sort in creation order within one generator even when the clock stands
 * still or steps back: the 12-bit `rand_a` field counts up within a millisecond (RFC 9562 §6.2 method 1), and
 * when it overflows the timestamp is advanced by one millisecond.
 */
export function createUuidV7Generator(sources: UuidSources): () => Uuid {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(sources.now(), 0);
    const random = sources.randomBytes(10);
    if (ms > lastMs) {
      // Start the counter in the lower half so there is room to count up within this millisecond.
      counter = (((random[0] ?? 0) << 8) | (random[1] ?? 0)) & 0x7ff;
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = 0;
      }
    }
    lastMs = ms;
    const bytes = new Uint8Array(16);
    // 48-bit big-endian timestamp; split to stay within safe bit operations.
    const high = Math.floor(ms / 2 ** 16);
    const low = ms % 2 ** 16;
    bytes[0] = (high >>> 24) & 0xff;
    bytes[1] = (high >>> 16) & 0xff;
    bytes[2] = (high >>> 8) & 0xff;
    bytes[3] = high & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((random[2] ?? 0) & 0x3f);
    for (let i = 9; i < 16; i++) bytes[i] = random[i - 6] ?? 0;
    let text = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
      text += HEX[bytes[i]!]!;
    }
    return text as Uuid;
  };
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Accepts any RFC 9562 UUID (ids minted by other systems may be v4); normalises to lower case. */
export function parseUuid(text: string): Result<Uuid, DomainError> {
  const lower = text.toLowerCase();
  if (!UUID_PATTERN.test(lower)) {
    return err(domainError('UUID_INVALID', { id: text, reason: 'expected 8-4-4-4-12 hexadecimal digits' }));
  }
  const variant = parseInt(lower.charAt(19), 16);
  if ((variant & 0b1100) !== 0b1000) {
    return err(domainError('UUID_INVALID', { id: text, reason: 'the variant bits are not RFC 9562' }));
  }
  return ok(lower as Uuid);
}

/** The creation time a UUIDv7 carries, in ms since the epoch. */
export function uuidV7Timestamp(id: Uuid): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

// ── 19-digit payment ids ───────────────────────────────────────────────────────────────────────────

/**
 * Layout, 19 decimal digits: `F IIIIII SSSSSSSSSSS C`
 *
 * - `F` (1 digit): format, always `1` in this layout. Never `0`, so the id never loses a leading digit when
 *   some system treats it as a number; `2`–`9` are left for future layouts.
 * - `IIIIII` (6 digits): the issuer, 1–999,999. Issuers 1–999 are core nodes (one per independent core
 *   database; all processes on one PostgreSQL share issuer 1 and a database sequence); 1,000–999,999 are
 *   terminals, assigned once at enrollment. So 999 core nodes and 999,000 terminals.
 * - `SSSSSSSSSSS` (11 digits): the issuer's own sequence, 0–99,999,999,999: 100 billion ids per issuer (a
 *   terminal taking 10,000 payments a day would need 27,000 years). The issuer persists the next sequence
 *   before handing an id out, so a restart never reuses one.
 * - `C` (1 digit): Luhn check digit over the 18 digits before it, so an id mistyped from a receipt is caught
 *   before any lookup.
 *
 * Two issuers never share an issuer number, and one issuer never repeats a sequence, so ids are unique
 * across channels without any coordination at minting time.
 */
export type PaymentId = string & { readonly __brand: 'PaymentId' };

export const PAYMENT_ID_FORMAT_DIGIT = '1';
export const MAX_ISSUER = 999_999;
export const FIRST_TERMINAL_ISSUER = 1_000;
export const CORE_ISSUER = 1;
export const MAX_SEQUENCE = 99_999_999_999;

/** Luhn check digit for a string of digits (the digit that would make `digits + check` Luhn-valid). */
export function luhnCheckDigit(digits: string): number {
  let total = 0;
  // Walking from the right, the digit next to the check digit is doubled.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return (10 - (total % 10)) % 10;
}

export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

export function isValidIssuer(issuer: number): boolean {
  return Number.isSafeInteger(issuer) && issuer >= 1 && issuer <= MAX_ISSUER;
}

/** Builds the id of `sequence` for `issuer`; a bad issuer or an exhausted sequence is a bug or an alarm. */
export function formatPaymentId(issuer: number, sequence: number): PaymentId {
  if (!isValidIssuer(issuer)) {
    throw new DomainException(domainError('PAYMENT_ID_ISSUER_INVALID', { issuer, max: MAX_ISSUER }));
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new RangeError(`sequence ${sequence} is not ≥ 0`);
  if (sequence > MAX_SEQUENCE)
    throw new DomainException(domainError('PAYMENT_ID_SEQUENCE_EXHAUSTED', { issuer }));
  const body = PAYMENT_ID_FORMAT_DIGIT + String(issuer).padStart(6, '0') + String(sequence).padStart(11, '0');
  return (body + String(luhnCheckDigit(body))) as PaymentId;
}

/** Validates an id received from a person, a terminal or an API caller, saying exactly what is wrong. */
export function parsePaymentId(text: string): Result<PaymentId, DomainError> {
  if (typeof text !== 'string') return invalidPaymentId(text, 'it is not a string');
  const bad = /\D/.exec(text);
  if (bad) return invalidPaymentId(text, `'${bad[0]}' at position ${bad.index + 1} is not a digit`);
  if (text.length !== 19) return invalidPaymentId(text, `it has ${text.length} digits instead of 19`);
  if (text[0] !== PAYMENT_ID_FORMAT_DIGIT)
    return invalidPaymentId(text, `it starts with ${text[0]}, but payment ids start with 1`);
  if (Number(text.slice(1, 7)) === 0) return invalidPaymentId(text, 'its issuer number is 000000');
  if (!isLuhnValid(text))
    return invalidPaymentId(text, 'its check digit does not match, so a digit is probably mistyped');
  return ok(text as PaymentId);
}

// Module-level, not a closure per call: parsePaymentId runs on every request that names a payment.
function invalidPaymentId(text: unknown, reason: string): Result<PaymentId, DomainError> {
  return err(domainError('PAYMENT_ID_INVALID', { id: text as string, reason }));
}

export function paymentIdIssuer(id: PaymentId): number {
  return Number(id.slice(1, 7));
}

export function paymentIdSequence(id: PaymentId): number {
  return Number(id.slice(7, 18));
}

/** Durable per-issuer counter. Both calls are made in one transaction by the caller where it has one. */
export interface PaymentIdSequenceStore {
  /** The next unused sequence of `issuer` (0 when it never minted). */
  readNext(issuer: number): number;
  /** Records durably that every sequence below `next` is used. Must be durable before the id is used. */
  writeNext(issuer: number, next: number): void;
}

/**
 * Mints the next id of `issuer`: the sequence is persisted *before* the id is returned, so after a crash
 * or restart the issuer resumes past every id it may have handed out (a gap is harmless; a repeat is not).
 */
export function mintPaymentId(issuer: number, store: PaymentIdSequenceStore): PaymentId {
  const sequence = store.readNext(issuer);
  const id = formatPaymentId(issuer, sequence);
  store.writeNext(issuer, sequence + 1);
  return id;
}
