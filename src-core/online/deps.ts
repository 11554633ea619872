/**
 * What the online API's handlers are given and what they answer. Its own module, importing nothing above
 * it, so the router (routes.ts), the handlers and server.ts depend on it and never on each other in a loop.
 */
import type { KeyCredentials } from '../accounts/accounts';
import type { Acquirer } from '../acquirer/acquirer';
import type { Db } from '../db/adapter';
import type { RequestKey } from '../journal/entries';
import type { AcquirerJournal } from '../journal/journal';
import type { LedgerService } from '../ledger/service';
import type { Authenticate } from '../routing/auth';
import type { ApiAnswer } from '../routing/idempotence';

export type { ApiAnswer };

export interface OnlineDeps {
  db: Db;
  ledger: LedgerService;
  acquirer: Acquirer;
  authenticate: Authenticate;
  journal: AcquirerJournal;
}

export interface OnlineRequest {
  merchantId: string;
  credentials: KeyCredentials;
  params: Readonly<Record<string, string>>;
  body: unknown;
  now: Date;
  /** The idempotence key and request hash of a POST that sent one (ties it to its journal rows). */
  requestKey: RequestKey | null;
}

export type OnlineHandler = (r: OnlineRequest) => Promise<ApiAnswer>;
