/**
 * What the online API's handlers are given and what they answer. Its own module, importing nothing above
 * it, so the route declarations (routes.ts), the handlers and the composition depend on it and never on each
 * other in a loop.
 */
import type { Acquirer } from '../acquirer/acquirer';
import type { Db } from '../db/adapter';
import type { AcquirerJournal } from '../journal/journal';
import type { LedgerService } from '../ledger/service';
import type { Authenticate } from '../routing/auth';
import type { RouteCall } from '../routing/contract';

export interface OnlineDeps {
  db: Db;
  ledger: LedgerService;
  acquirer: Acquirer;
  authenticate: Authenticate;
  journal: AcquirerJournal;
}

/**
 * One call of an online route (routing/contract.ts): the merchant, its credentials, the path parameters (a
 * payment id already checked; payout and token ids as sent, looked up by the handler), the validated body
 * `B`, and the idempotence key of a POST that sent one (ties it to its journal rows).
 */
export type OnlineRequest<B = unknown> = RouteCall<Readonly<Record<string, string>>, object, B>;

/** A handler answers the route's typed success body `R`; failures are thrown as `ApiFailure`s. */
export type OnlineHandler<B, R> = (r: OnlineRequest<B>) => Promise<R>;
