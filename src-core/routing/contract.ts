/**
 * Routes declared as data: method, path, the zod schemas of params, query, body and answer (from src-shared),
 * the catalog codes it may answer with, and the handler. The same declaration registers the Fastify route,
 * validates the request and generates the OpenAPI document (openapi.ts), so the document cannot drift from
 * what the server accepts; handlers must return `z.input` of the documented answer, or they do not compile.
 *
 * One contract for the three APIs of the core: the online API (Worldline-compatible, `/v2/{merchantId}/…`),
 * the back office and the terminal sync API. Authentication is v1HMAC (routing/auth.ts): merchant API keys
 * for the online API and the back office (the key must belong to `{merchantId}` in the path), terminal keys
 * for sync. Every failure is answered in Worldline's error shape (api-error.ts) with the catalog's status;
 * idempotent POSTs honour `X-GCS-Idempotence-Key` (idempotence.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DomainError, ErrorCode } from '../../src-shared';
import { describeFirstIssue } from '../../src-shared/validation';
import type { KeyCredentials } from '../accounts/accounts';
import type { Db } from '../db/adapter';
import { ApiFailure, asApiFailure, errorBody, fail } from './api-error';
import type { Authenticate } from './auth';
import { requestHash, runIdempotent, type ApiAnswer } from './idempotence';
import type { RequestKey } from '../journal/entries';
import type { LedgerContext } from '../ledger/context';

/** `merchant`: a merchant API key that must belong to `{merchantId}` in the path; `terminal`: a terminal key. */
export type RouteAuth = 'merchant' | 'terminal';

export const NoInput = z.object({});
type NoInputSchema = typeof NoInput;

export interface RouteCall<P, Q, B> {
  /** The merchant the key acts for (= `{merchantId}` in the path of a merchant route). */
  merchantId: string;
  params: P;
  query: Q;
  body: B;
  credentials: KeyCredentials;
  now: Date;
  /** The idempotence key and request hash of an idempotent POST that sent one (ties it to journal rows). */
  requestKey: RequestKey | null;
}

export interface ApiRoute<
  PS extends z.ZodType = NoInputSchema,
  QS extends z.ZodType = NoInputSchema,
  BS extends z.ZodType = NoInputSchema,
  RS extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI style: `/backoffice/v1/{merchantId}/orders/{orderId}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  params?: PS;
  query?: QS;
  body?: BS;
  /** The success answer; a schema of `z.null()` is an empty body (e.g. 204). */
  answer: { status: number; schema: RS; description: string };
  /** Catalog codes this route answers with, besides the ones every route has (auth, invalid request, 500). */
  errors: readonly ErrorCode[];
  /**
   * The shape of this route's error answers when it is richer than the API's error shape: the online API's
   * create and subsequent payment answer a decline with `paymentResult` (an `ApiFailure`'s `extra`).
   */
  errorAnswer?: z.ZodType;
  /** POSTs that honour `X-GCS-Idempotence-Key` as the online API does. */
  idempotent?: boolean;
  /**
   * How REQUEST_INVALID names the property at fault: `located` (default) says where it is, `body.amount`,
   * `query.limit`; `bare` names it inside the body as Worldline's `propertyName` does, `order.amountOfMoney`
   * (the online API).
   */
  propertyNames?: 'located' | 'bare';
  handler: (call: RouteCall<z.output<PS>, z.output<QS>, z.output<BS>>) => Promise<z.input<RS>>;
}

/** Declares a route with its types inferred from the schemas. */
export function defineRoute<
  PS extends z.ZodType = NoInputSchema,
  QS extends z.ZodType = NoInputSchema,
  BS extends z.ZodType = NoInputSchema,
  RS extends z.ZodType = z.ZodType,
>(route: ApiRoute<PS, QS, BS, RS>): ApiRoute<PS, QS, BS, RS> {
  return route;
}

// Route lists hold routes of many shapes; the handler's parameter is checked where each route is declared.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any, any>;

/** Codes every authenticated route may answer with. */
export const COMMON_ERRORS: readonly ErrorCode[] = [
  'REQUEST_INVALID',
  'AUTHORIZATION_MISSING',
  'AUTHORIZATION_INVALID',
  'DATE_OUT_OF_WINDOW',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
];

/**
 * Validates one part of a request; the first problem becomes REQUEST_INVALID naming the property
 * (`query.limit`, `body.amount.currency`, …) and what is wrong with it, or the catalog failure a schema's
 * custom issue carries in `params.failure`.
 */
export function parsePart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'path' | 'query' | 'body',
  propertyNames: 'located' | 'bare' = 'located',
): z.output<S> {
  const input = value ?? {};
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { path, reason } = describeFirstIssue(r.error, input);
  const property = path ? (propertyNames === 'bare' ? path : `${where}.${path}`) : where;
  // A schema that knows the catalog's precise code for the problem (e.g. PAYMENT_ID_INVALID) says so.
  const first = r.error.issues[0];
  const precise = first?.code === 'custom' ? (first.params as { failure?: DomainError })?.failure : undefined;
  if (precise) throw new ApiFailure(precise, property);
  throw fail('REQUEST_INVALID', { propertyName: property, reason }, property);
}

export const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export interface RouteDeps {
  db: Db;
  ctx: LedgerContext;
  authenticate: Authenticate;
}

function send(reply: FastifyReply, answer: ApiAnswer) {
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  reply.status(answer.status);
  if (answer.body === null || answer.body === undefined) return reply.send();
  return reply.type('application/json').send(JSON.stringify(answer.body));
}

export function registerRoutes(app: FastifyInstance, routes: readonly AnyApiRoute[], deps: RouteDeps): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      // Authentication before the body is even parsed, as the online API does.
      onRequest: async (req: FastifyRequest) => {
        const credentials = await deps.authenticate(req, route.auth === 'merchant' ? 'api' : 'terminal');
        if (route.auth === 'merchant') {
          const merchantId = (req.params as { merchantId?: string }).merchantId ?? '';
          if (credentials.merchantId !== merchantId) throw fail('MERCHANT_FORBIDDEN', { merchantId });
        }
        req.credentials = credentials;
      },
      handler: async (req, reply) => {
        const now = deps.ctx.clock.now();
        const key = req.headers['x-gcs-idempotence-key'];
        const requestKey =
          route.idempotent && typeof key === 'string'
            ? { key, hash: requestHash(route.method, req.raw.url ?? req.url, req.rawBody) }
            : null;
        if (requestKey) {
          const merchantId = req.credentials!.merchantId;
          return send(
            reply,
            await runIdempotent(deps.db, { merchantId, ...requestKey, now }, () =>
              answer(route, req, deps, now, requestKey),
            ),
          );
        }
        return send(reply, await answer(route, req, deps, now, null));
      },
    });
  }
}

/** The route's handler on the request's parts, read by its schemas; a failure becomes its error body. */
async function answer(
  route: AnyApiRoute,
  req: FastifyRequest,
  deps: RouteDeps,
  now: Date,
  requestKey: { key: string; hash: string } | null,
): Promise<ApiAnswer> {
  const names = route.propertyNames ?? 'located';
  try {
    const body = await route.handler({
      merchantId: req.credentials!.merchantId,
      params: parsePart(route.params ?? NoInput, req.params, 'path', names),
      query: parsePart(route.query ?? NoInput, req.query, 'query', names),
      body: route.body ? parsePart(route.body, req.body, 'body', names) : {},
      credentials: req.credentials!,
      now,
      requestKey,
    });
    return { status: route.answer.status, body };
  } catch (e) {
    const failure = asApiFailure(e);
    if (failure) return { status: failure.status, body: errorBody(deps.ctx.newId(), failure) };
    throw e;
  }
}
