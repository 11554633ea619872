/** What the ledger service needs from the outside world, passed in (style.md: no module-level singletons). */
import { randomBytes } from 'node:crypto';
import { createUuidV7Generator, type Uuid } from '../../src-shared';

export interface Clock {
  now(): Date;
}

export interface LedgerContext {
  readonly clock: Clock;
  /** Mints UUIDv7s for orders, operations, locks and events. */
  readonly newId: () => Uuid;
  /**
   * A refund or payout of the same amount as one recorded on the order this recently is refused as a repeat
   * (repeat-refund.ts); absent → 10 minutes, 0 → the rule is off.
   */
  readonly refundRepeatWindowMs?: number;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Cryptographically random bytes handed out from a block drawn at once (as Node's own `randomUUID` does):
 * every id needs 10 random bytes, and one call to the CSPRNG per id showed in the profile of the refund path.
 * Each call gets bytes no other call got; a spent block is replaced, never refilled in place.
 */
export function pooledRandomBytes(blockSize = 4096): (length: number) => Uint8Array {
  let block = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    if (length > blockSize) return new Uint8Array(randomBytes(length));
    if (offset + length > block.length) {
      block = new Uint8Array(randomBytes(blockSize));
      offset = 0;
    }
    const out = block.subarray(offset, offset + length);
    offset += length;
    return out;
  };
}

export function createLedgerContext(
  clock: Clock = systemClock,
  options: { refundRepeatWindowMs?: number } = {},
): LedgerContext {
  return {
    clock,
    ...(options.refundRepeatWindowMs === undefined
      ? {}
      : { refundRepeatWindowMs: options.refundRepeatWindowMs }),
    newId: createUuidV7Generator({
      now: () => clock.now().getTime(),
      randomBytes: pooledRandomBytes(),
    }),
  };
}
