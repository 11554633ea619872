import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOG,
  domainError,
  formatErrorMessage,
  isErrorCode,
  type ErrorCode,
} from '../../src-shared';

const codes = Object.keys(ERROR_CATALOG) as ErrorCode[];

describe('error catalog', () => {
  it('has stable upper-case codes, each with a unique numeric errorCode', () => {
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    const numbers = codes.map((c) => ERROR_CATALOG[c].errorCode);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^\d{4,8}$/);
  });

  it('gives each code an HTTP status whose class matches its numeric errorCode', () => {
    for (const code of codes) {
      const e = ERROR_CATALOG[code];
      expect(e.httpStatus, code).toBeGreaterThanOrEqual(400);
      expect(e.httpStatus, code).toBeLessThan(600);
      if (e.errorCode !== '1409') expect(e.errorCode.slice(0, 3), code).toBe(String(e.httpStatus));
    }
  });

  it('contains the Worldline-compatible ids merchants match on', () => {
    expect(ERROR_CATALOG.REFUND_ORDER_LOCKED).toMatchObject({ httpStatus: 409, retryable: true });
    // The official SDKs raise IdempotenceException only for a 409 whose error has errorCode "1409".
    expect(ERROR_CATALOG.IDEMPOTENCE_REQUEST_IN_PROGRESS).toMatchObject({
      httpStatus: 409,
      errorCode: '1409',
    });
    expect(ERROR_CATALOG.REFUND_EXCEEDS_REFUNDABLE.errorCode).not.toBe(
      ERROR_CATALOG.REFUND_ORDER_LOCKED.errorCode,
    );
  });

  it('fills message templates and leaves a missing parameter visible', () => {
    expect(formatErrorMessage('PAYMENT_NOT_FOUND', { paymentId: '1000001000000000017' })).toBe(
      'Payment 1000001000000000017 does not exist for this merchant. Check the 19-digit id on the receipt.',
    );
    expect(formatErrorMessage('PAYMENT_NOT_FOUND')).toContain('{paymentId}');
    expect(domainError('UNKNOWN_CURRENCY', { currency: 'EUX' })).toEqual({
      code: 'UNKNOWN_CURRENCY',
      message: "Unknown currency 'EUX'. Use an ISO 4217 code with minor units, such as EUR, USD, JPY or KWD.",
      params: { currency: 'EUX' },
    });
  });

  it('has messages that end as sentences and are long enough to say what to do', () => {
    for (const code of codes) {
      const m = ERROR_CATALOG[code].message;
      expect(m.length, code).toBeGreaterThan(25);
      expect(m, code).toMatch(/[.)]$/);
    }
  });

  it('recognises its own codes only', () => {
    expect(isErrorCode('REFUND_ORDER_LOCKED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('NOPE')).toBe(false);
  });
});
