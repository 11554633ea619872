/**
 * Registers the back-office API and the terminal sync API on the core's server (one line in server.ts), and
 * serves their OpenAPI 3.1 document at `GET /backoffice/v1/openapi.json` (no authentication: it holds no data).
 */
import type { FastifyInstance } from 'fastify';
import type { Acquirer } from './acquirer/acquirer';
import { registerRoutes } from './routing/contract';
import { buildOpenApiDocument } from './routing/openapi';
import type { Authenticate } from './routing/auth';
import type { LedgerService } from './ledger/service';
import type { StoreFeedWaiters } from './sync/feed-waiters';
import { registerSyncBodyDigest } from './sync/body-digest';
import { syncRoutes } from './sync/routes';
import type { AcquirerJournal } from './journal/journal';
import { exceptionRoutes } from './backoffice/exceptions';
import { backOfficeRoutes } from './backoffice/routes';
import { rebuildStaleOrderSummaries } from './backoffice/summaries';

export const OPENAPI_PATH = '/backoffice/v1/openapi.json';

export interface BackOfficeAndSyncDeps {
  ledger: LedgerService;
  acquirer: Acquirer;
  journal: AcquirerJournal;
  authenticate: Authenticate;
  feedWaiters: StoreFeedWaiters;
  version?: string;
}

export async function registerBackOfficeAndSync(
  app: FastifyInstance,
  deps: BackOfficeAndSyncDeps,
): Promise<void> {
  // Orders recorded before the summaries existed (or by a writer that bypassed the ledger service).
  await rebuildStaleOrderSummaries(deps.ledger.db);
  const routes = [
    ...backOfficeRoutes({ ledger: deps.ledger, acquirer: deps.acquirer, journal: deps.journal }),
    ...exceptionRoutes(deps.ledger.db),
    ...syncRoutes({ ledger: deps.ledger, log: app.log, feedWaiters: deps.feedWaiters }),
  ];
  registerSyncBodyDigest(app);
  registerRoutes(app, routes, { db: deps.ledger.db, ctx: deps.ledger.ctx, authenticate: deps.authenticate });
  const document = buildOpenApiDocument(routes, {
    title: 'Counter core: back-office and terminal sync APIs',
    version: deps.version ?? 'dev',
    description:
      'Orders, operations, chargebacks, rebills and contracts for merchants (merchant API key), and the ' +
      'terminal sync protocol (terminal key). Errors use the online API shape; codes come from one catalog.',
  });
  const body = JSON.stringify(document);
  app.get(OPENAPI_PATH, async (_req, reply) => reply.type('application/json').send(body));
}
