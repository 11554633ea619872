/**
 * The core's HTTP server (composition of the routes): Fastify, JSON in the online API's error shape,
 * `GET /health`, structured logs without card data or secrets, and a closing mode for graceful shutdown.
 */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Acquirer } from './acquirer/acquirer';
import type { KeyCredentials } from './accounts/accounts';
import type { Db } from './db/adapter';
import type { LedgerService } from './ledger/service';
import type { Keyring } from './security/keyring';
import { asApiFailure, errorBody, fail } from './routing/api-error';
import {
  answerClientError,
  BODY_LIMIT_BYTES,
  fastifyRefusal,
  firstInvalidUtf8Byte,
  MAX_HEADER_BYTES,
  MAX_PARAM_LENGTH,
} from './routing/edge';
import { createAuthenticator, type Authenticate } from './routing/auth';
import type { TransportPolicy } from './routing/transport';
import { registerApis } from './register-apis';
import { listenForChangeSignals } from './change-signals';
import { createCredentialCache } from './accounts/credential-cache';
import { createStoreFeedWaiters } from './sync/feed-waiters';
import { registerAdminApi } from './admin/routes';
import { createAcquirerJournal, type AcquirerJournal, type JournalOptions } from './journal/journal';

export interface CoreDeps {
  db: Db;
  ledger: LedgerService;
  keyring: Keyring;
  acquirer: Acquirer;
  /** false → no logs (tests); otherwise a pino-style option object or a destination stream. */
  logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
  dateSkewMs?: number;
  version?: string;
  /** false → no per-request log lines (benchmarks, busy tests); startup and errors are still logged. */
  logRequests?: boolean;
  /** The write-ahead acquirer journal's grace period and (tests only) its hook. */
  journal?: JournalOptions;
  /** Per-start token of the loopback admin API (CLI commands on embedded PGlite); unset → no admin API. */
  adminToken?: string;
  /** Who may use plain HTTP (auth.ts); absent → loopback only. */
  transport?: TransportPolicy;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody: string;
    credentials: KeyCredentials | null;
  }
}

/** Routes may register more APIs on the same server (terminal sync, back office) with these. */
export interface CoreServer {
  app: FastifyInstance;
  authenticate: Authenticate;
  /** Stops answering new requests with anything but 503 (first step of a graceful shutdown). */
  beginClosing(): void;
  /** The write-ahead acquirer journal every route uses; the composition root runs its reconciler. */
  journal: AcquirerJournal;
}

export async function buildCoreServer(deps: CoreDeps): Promise<CoreServer> {
  const newErrorId = () => deps.ledger.ctx.newId();
  const app = Fastify({
    logger:
      deps.logger === false || deps.logger === undefined
        ? false
        : {
            level: (typeof deps.logger === 'object' && deps.logger.level) || 'info',
            ...(typeof deps.logger === 'object' && deps.logger.stream ? { stream: deps.logger.stream } : {}),
            // Never headers (Authorization, keys) or bodies (card numbers): method, path and status only.
            serializers: {
              req: (req: { method: string; url: string }) => ({
                method: req.method,
                path: req.url.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // Refusals before a route runs and before Fastify sees the request, in the API's shape (routing/edge.ts).
    frameworkErrors: (error, _req, reply) => {
      const failure = fastifyRefusal(error);
      const r = reply as unknown as FastifyReply;
      void r.status(failure.status).type('application/json').send(errorBody(newErrorId(), failure));
    },
    clientErrorHandler: (err, socket) => answerClientError(err, socket as Socket, newErrorId),
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  const ctx = deps.ledger.ctx;
  const credentials = createCredentialCache();
  const feedWaiters = createStoreFeedWaiters();
  const stopListening = await listenForChangeSignals(deps.db, { credentials, feedWaiters, log: app.log });
  // Waiting pulls answer at once when the server closes, instead of holding the shutdown up.
  app.addHook('preClose', async () => feedWaiters.close());
  app.addHook('onClose', async () => stopListening());
  const authenticate = createAuthenticator({
    db: deps.db,
    keyring: deps.keyring,
    clock: ctx.clock,
    dateSkewMs: deps.dateSkewMs,
    credentials,
    transport: deps.transport,
  });
  let closing = false;

  if (deps.logRequests === false) {
    // Route loggers at 'warn' drop Fastify's per-request info lines but keep errors.
    app.addHook('onRoute', (route) => {
      route.logLevel = 'warn';
    });
  }
  app.decorateRequest('rawBody', '');
  app.decorateRequest('credentials', null);

  // One parser for every content type: the body is kept raw (idempotence hashes it) and parsed as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req: FastifyRequest, body: string | Buffer, done) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    // Bytes that are not UTF-8 are refused, not replaced by U+FFFD: what is stored is what was sent.
    const bad = firstInvalidUtf8Byte(bytes);
    if (bad >= 0) return done(fail('REQUEST_BODY_NOT_UTF8', { offset: bad }), undefined);
    const text = bytes.toString('utf8');
    req.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      // V8's message quotes the body, which may hold a card number: keep only where parsing stopped.
      const position = /position (\d+)/.exec((e as Error).message)?.[1];
      const reason = position ? `parsing stopped at character ${position}` : 'it is cut short or malformed';
      done(fail('REQUEST_BODY_NOT_JSON', { reason }), undefined);
    }
  });

  app.addHook('onRequest', async () => {
    if (closing) throw fail('SERVICE_UNAVAILABLE');
  });

  app.setErrorHandler((error, req, reply) => {
    const errorId = ctx.newId();
    const expected = asApiFailure(error);
    if (expected) {
      return reply.status(expected.status).type('application/json').send(errorBody(errorId, expected));
    }
    const fastifyError = error as { statusCode?: number; code?: string; message: string };
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      // Fastify's own refusals (body too large, bad content length …), each with its status and code.
      const failure = fastifyRefusal(fastifyError);
      return reply.status(failure.status).type('application/json').send(errorBody(errorId, failure));
    }
    req.log.error({ err: error, errorId }, 'request failed');
    const failure = fail('INTERNAL_ERROR', { reference: errorId });
    return reply.status(500).type('application/json').send(errorBody(errorId, failure));
  });

  app.setNotFoundHandler((req, reply) => {
    const failure = fail('ROUTE_NOT_FOUND', { method: req.method, path: req.url.split('?')[0] ?? '' });
    return reply.status(404).type('application/json').send(errorBody(ctx.newId(), failure));
  });

  app.get('/health', async (_req, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ok', database: deps.db.kind, version: deps.version ?? 'dev' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: deps.db.kind });
    }
  });

  const journal = createAcquirerJournal(
    { ledger: deps.ledger, acquirer: deps.acquirer, log: app.log },
    deps.journal,
  );
  await registerApis(app, { ...deps, authenticate, journal, feedWaiters });
  if (deps.adminToken) registerAdminApi(app, { ...deps, token: deps.adminToken });

  return {
    app,
    authenticate,
    journal,
    beginClosing() {
      closing = true;
    },
  };
}
