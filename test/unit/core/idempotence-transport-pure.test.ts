/**
 * The pure rules behind idempotence storage (src-core/routing/idempotence.ts `isStoredAnswer`), plain-HTTP
 * admission (src-core/routing/transport.ts) and the double-refund message (src-core/ledger/repeat-refund.ts).
 */
import { describe, expect, it } from 'vitest';
import { apiErrorItem } from '../../../src-core/routing/api-error';
import { isStoredAnswer } from '../../../src-core/routing/idempotence';
import { transportAllowed } from '../../../src-core/routing/transport';
import { refundRepeatWindowFromEnv, repeatedRefundError } from '../../../src-core/ledger/repeat-refund';
import { domainError, money, type ErrorCode, type Uuid } from '../../../src-shared';

const answer = (status: number, code?: ErrorCode) => ({
  status,
  body: code ? { errorId: 'x', errors: [apiErrorItem(domainError(code))] } : { id: 'ok' },
});

describe('which answers an idempotence key stores', () => {
  it('stores successes and final business refusals', () => {
    expect(isStoredAnswer(answer(201))).toBe(true);
    expect(isStoredAnswer({ status: 204, body: null })).toBe(true);
    expect(isStoredAnswer(answer(402, 'CARD_DECLINED'))).toBe(true);
    expect(isStoredAnswer(answer(400, 'REFUND_EXCEEDS_REFUNDABLE'))).toBe(true);
    expect(isStoredAnswer(answer(409, 'CANCEL_NOT_POSSIBLE'))).toBe(true);
    expect(isStoredAnswer(answer(409, 'MONEY_MOVED_NOT_RECORDED'))).toBe(true);
    expect(isStoredAnswer(answer(404, 'PAYMENT_NOT_FOUND'))).toBe(true);
  });
  it('does not store conflicts, retriable refusals, validation failures or 5xx', () => {
    expect(isStoredAnswer(answer(409, 'REFUND_ORDER_LOCKED'))).toBe(false);
    expect(isStoredAnswer(answer(409, 'PAYMENT_OUTCOME_UNKNOWN'))).toBe(false);
    expect(isStoredAnswer(answer(400, 'REQUEST_INVALID'))).toBe(false);
    expect(isStoredAnswer(answer(400, 'REQUEST_BODY_NOT_JSON'))).toBe(false);
    expect(isStoredAnswer(answer(400, 'AMOUNT_NOT_POSITIVE'))).toBe(false);
    expect(isStoredAnswer(answer(400, 'PAYMENT_ID_INVALID'))).toBe(false);
    expect(isStoredAnswer(answer(400, 'CARD_INVALID'))).toBe(false);
    expect(isStoredAnswer(answer(503, 'RECORDING_PENDING'))).toBe(false);
    expect(isStoredAnswer(answer(500, 'INTERNAL_ERROR'))).toBe(false);
  });
});

describe('plain HTTP admission', () => {
  const strict = { allowPlainHttp: false, trustedProxies: ['10.0.0.5'] };
  const from = (remoteAddress: string, forwardedProto?: string, encrypted = false) => ({
    encrypted,
    remoteAddress,
    forwardedProto,
  });
  it('lets TLS and loopback in, and a trusted proxy that says https', () => {
    expect(transportAllowed(strict, from('203.0.113.1', undefined, true))).toBe(true);
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(transportAllowed(strict, from(a))).toBe(true);
    }
    expect(transportAllowed(strict, from('10.0.0.5', 'https'))).toBe(true);
    expect(transportAllowed(strict, from('::ffff:10.0.0.5', 'http, https'))).toBe(true);
  });
  it('refuses plain HTTP from elsewhere, and a forwarded https from anyone but the trusted proxy', () => {
    expect(transportAllowed(strict, from('192.168.1.2'))).toBe(false);
    expect(transportAllowed(strict, from('192.168.1.2', 'https'))).toBe(false);
    expect(transportAllowed(strict, from('10.0.0.5', 'https, http'))).toBe(false);
    expect(transportAllowed(strict, from('10.0.0.5'))).toBe(false);
    expect(transportAllowed({ ...strict, allowPlainHttp: true }, from('192.168.1.2'))).toBe(true);
  });
});

describe('the double-refund message', () => {
  it('names the earlier refund: amount, channel, time, id, and when a genuine one may be sent', () => {
    const e = repeatedRefundError(
      {
        operationId: '01a2-op' as Uuid,
        kind: 'REFUND',
        amount: money(1_250, 'EUR'),
        channel: 'IN_STORE',
        wireId: '1000001000000000024_2',
        recordedAt: '2026-11-26T14:02:11.000Z',
      },
      'order-1',
      600_000,
    );
    expect(e.code).toBe('REFUND_ORDER_LOCKED');
    expect(e.message).toBe(
      'This refund or payout cannot go ahead now: it repeats the refund of €12.50 made at the counter at ' +
        '14:02:11 UTC on 2026-11-26 (refund 1000001000000000024_2), less than 10 minutes ago, so it is taken for ' +
        'the same refund sent twice and nothing was sent back. If it is a genuine further refund, send it again ' +
        'after 14:12:11 UTC on 2026-11-26.',
    );
  });
  it('reads its window from the environment and says what is wrong with a bad one', () => {
    expect(refundRepeatWindowFromEnv(undefined)).toBe(600_000);
    expect(refundRepeatWindowFromEnv('0')).toBe(0);
    expect(refundRepeatWindowFromEnv('30')).toBe(30_000);
    expect(() => refundRepeatWindowFromEnv('10m')).toThrow(/COUNTER_REFUND_REPEAT_WINDOW_SECONDS/);
  });
});
