import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src-main/sync/backoff';
import { classifyFailure } from '../../../src-main/sync/core-client';
import {
  bearerToken,
  originAllowed,
  subprotocolToken,
  tokenMatches,
} from '../../../src-main/host/bridge/access';

const policy = { baseMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt, with half of it fixed and half random', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 0, policy))).toEqual([250, 500, 1_000, 2_000]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 0.999999, policy))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(backoffDelay(3, 0.5, policy)).toBe(1_500);
  });

  it('never exceeds the cap, however many attempts, and never waits less than half the cap once there', () => {
    expect(backoffDelay(7, 0, policy)).toBe(15_000);
    expect(backoffDelay(1_000_000, 0.999999, policy)).toBe(30_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (a, r) => {
        const d = backoffDelay(a, r, policy);
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(a - 1, 52));
        return Number.isInteger(d) && d >= ceiling / 2 && d <= ceiling;
      }),
    );
  });

  it('does not wait before the first try (attempt 0) or for nonsense attempts', () => {
    expect(backoffDelay(0, 0.7, policy)).toBe(0);
    expect(backoffDelay(-1, 0.7, policy)).toBe(0);
    expect(backoffDelay(1.5, 0.7, policy)).toBe(0);
  });
});

describe('classifyFailure', () => {
  it('retries server trouble and retryable conflicts, and takes other refusals as final', () => {
    expect(classifyFailure(503, 'SERVICE_UNAVAILABLE')).toBe('transient');
    expect(classifyFailure(500, 'INTERNAL_ERROR')).toBe('transient');
    expect(classifyFailure(429, 'SERVICE_UNAVAILABLE')).toBe('transient');
    expect(classifyFailure(409, 'REFUND_ORDER_LOCKED')).toBe('transient');
    expect(classifyFailure(409, 'IDEMPOTENCE_REQUEST_IN_PROGRESS')).toBe('transient');
    expect(classifyFailure(409, 'REFUND_RESERVATION_CLOSED')).toBe('rejected');
    expect(classifyFailure(400, 'REFUND_EXCEEDS_REFUNDABLE')).toBe('rejected');
    expect(classifyFailure(401, 'AUTHORIZATION_INVALID')).toBe('rejected');
    expect(classifyFailure(404, 'REFUND_RESERVATION_NOT_FOUND')).toBe('rejected');
  });
});

describe('bridge access policy', () => {
  it('matches the token exactly, whatever the length of what was sent', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });

  it('reads the token from a Bearer header or a bearer.<token> subprotocol only', () => {
    expect(bearerToken('Bearer t0k')).toBe('t0k');
    expect(bearerToken('bearer t0k')).toBe('t0k');
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(subprotocolToken(['counter.events.v1', 'bearer.t0k'])).toBe('t0k');
    expect(subprotocolToken(['counter.events.v1'])).toBeUndefined();
  });

  it('lets programs without an Origin through and pages only from allowed origins', () => {
    expect(originAllowed(undefined, [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:5000', ['http://127.0.0.1:5000'])).toBe(true);
    expect(originAllowed('http://127.0.0.1:5001', ['http://127.0.0.1:5000'])).toBe(false);
    expect(originAllowed('null', ['http://127.0.0.1:5000'])).toBe(false);
  });
});
