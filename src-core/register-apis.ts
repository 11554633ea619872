/**
 * Registers the core's three APIs on its server (one line in server.ts), all through the one route contract
 * (routing/contract.ts): the online API (`/v2/{merchantId}/…`), the back office and the terminal sync API.
 * Each has its OpenAPI 3.1 document generated from its declarations: the online API's at
 * `GET /v2/openapi.json`, the back office's and sync's at `GET /backoffice/v1/openapi.json`. Neither needs
 * authentication: they hold no data and no secret (like Worldline's published specification), and a
 * merchant's tools load them before they have a key.
 */
import type { FastifyInstance } from 'fastify';
import type { Acquirer } from './acquirer/acquirer';
import type { Db } from './db/adapter';
import { ErrorResponseSchema } from '../src-shared/online-api';
import { registerRoutes, type RouteDeps } from './routing/contract';
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
import { onlineRoutes } from './online/routes';

export const BACKOFFICE_OPENAPI_PATH = '/backoffice/v1/openapi.json';
export const ONLINE_OPENAPI_PATH = '/v2/openapi.json';

export interface ApiDeps {
  db: Db;
  ledger: LedgerService;
  acquirer: Acquirer;
  journal: AcquirerJournal;
  authenticate: Authenticate;
  feedWaiters: StoreFeedWaiters;
  version?: string;
}

export async function registerApis(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const routeDeps = { db: deps.ledger.db, ctx: deps.ledger.ctx, authenticate: deps.authenticate };
  registerOnlineApi(app, deps, routeDeps);
  // Orders recorded before the summaries existed (or by a writer that bypassed the ledger service).
  await rebuildStaleOrderSummaries(deps.ledger.db);
  const routes = [
    ...backOfficeRoutes({ ledger: deps.ledger, acquirer: deps.acquirer, journal: deps.journal }),
    ...exceptionRoutes(deps.ledger.db),
    ...syncRoutes({ ledger: deps.ledger, log: app.log, feedWaiters: deps.feedWaiters }),
  ];
  registerSyncBodyDigest(app);
  registerRoutes(app, routes, routeDeps);
  serveDocument(
    app,
    BACKOFFICE_OPENAPI_PATH,
    buildOpenApiDocument(routes, {
      title: 'Counter core: back-office and terminal sync APIs',
      version: deps.version ?? 'dev',
      description:
        'Orders, operations, chargebacks, rebills and contracts for merchants (merchant API key), and the ' +
        'terminal sync protocol (terminal key). Errors use the online API shape; codes come from one catalog.',
    }),
  );
}

function registerOnlineApi(app: FastifyInstance, deps: ApiDeps, routeDeps: RouteDeps): void {
  const routes = onlineRoutes({
    db: deps.db,
    ledger: deps.ledger,
    acquirer: deps.acquirer,
    authenticate: deps.authenticate,
    journal: deps.journal,
  });
  registerRoutes(app, routes, routeDeps);
  serveDocument(
    app,
    ONLINE_OPENAPI_PATH,
    buildOpenApiDocument(routes, {
      title: 'Counter core: online payments API (Worldline Online Payments compatible)',
      version: deps.version ?? 'dev',
      description:
        'The omnichannel core’s online API: the subset of Worldline’s Online Payments ("Direct") server API ' +
        'that the official SDKs call for card payments, subsequent payments on any payment of an order ' +
        '(online or in store), refunds, captures, cancels, payouts and tokens. Point an SDK at this core ' +
        '(host, port, scheme) and keep your code. Amounts are in minor units; payment ids are 19-digit ' +
        'strings. Every error answer is an ErrorResponse whose `errors[0].id` is a code of one catalog ' +
        '(`errorCode` its number, `httpStatusCode` the status). POSTs honour `X-GCS-Idempotence-Key` ' +
        '(1–40 printable ASCII characters, kept 31 days): a retry with the same key gets the first answer.',
      servers: [{ url: '/', description: 'The core that served this document' }],
      security: {
        merchant: {
          name: 'v1HMAC',
          description:
            'Worldline’s v1HMAC, as the official SDKs send it: `Authorization: GCS v1HMAC:<apiKeyId>:' +
            '<signature>`, the signature being the base64 HMAC-SHA256, under the API key’s secret, of the ' +
            'lines: method, Content-Type (empty for a GET or none), Date (RFC 1123, within 15 minutes of ' +
            'the core’s clock), each X-GCS-* header as `name:value` (lower-case names, sorted), and the path ' +
            'with its query, each followed by a newline. The key (npm run core -- create-api-key) must belong to the ' +
            '{merchantId} of the path (else 403 MERCHANT_FORBIDDEN). The signature is checked before the ' +
            'body is read; it does not cover the body, so reach the core over HTTPS.',
        },
      },
      errorResponse: ErrorResponseSchema,
    }),
  );
}

/** A document built once at start-up, served as it is; public (see above). */
function serveDocument(app: FastifyInstance, path: string, document: Record<string, unknown>): void {
  const body = JSON.stringify(document);
  app.get(path, async (_req, reply) => reply.type('application/json').send(body));
}
