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
}

export const systemClock: Clock = { now: () => new Date() };

export function createLedgerContext(clock: Clock = systemClock): LedgerContext {
  return {
    clock,
    newId: createUuidV7Generator({
      now: () => clock.now().getTime(),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    }),
  };
}
