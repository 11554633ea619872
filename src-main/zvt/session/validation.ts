/** Inputs the session checks before any byte goes to the terminal; problems are catalog errors (values). */
import { domainError, toDecimalString, type DomainError, type Money } from '../../../src-shared';
import { MAX_ZVT_AMOUNT_MINOR } from './commands';

export function amountProblem(amount: Money): DomainError | null {
  if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor <= 0) {
    // Said in the currency's units, as a person typed it, not in minor units (issue 7).
    const shown = Number.isSafeInteger(amount.amountMinor)
      ? `${toDecimalString(amount)} ${amount.currency}`
      : String(amount.amountMinor);
    return domainError('AMOUNT_NOT_POSITIVE', { amount: shown });
  }
  if (amount.amountMinor > MAX_ZVT_AMOUNT_MINOR) {
    return domainError('AMOUNT_OUT_OF_RANGE', {
      input: String(amount.amountMinor),
      currency: amount.currency,
      max: '12 digits of minor units (ZVT BMP 04)',
    });
  }
  return null;
}

/** Read Card's timeout is one binary byte of seconds (P15 §2.21). */
export function readCardTimeoutProblem(seconds: number): DomainError | null {
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 255
    ? null
    : domainError('TERMINAL_READ_CARD_TIMEOUT_INVALID', { seconds: String(seconds) });
}
