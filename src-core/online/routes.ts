/**
 * The online API (`/v2/{merchantId}/…`, reference §2): authentication of every request with a merchant API
 * key, idempotence on POSTs, and the endpoints the omnichannel flows need. Handlers return answers; expected
 * failures are `ApiFailure`s that become the API's error shape here, so idempotence can store them too.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { asApiFailure, errorBody, fail } from '../routing/api-error';
import { requestHash, runIdempotent, type ApiAnswer } from '../routing/idempotence';
import type { OnlineDeps, OnlineHandler } from './deps';
import { paymentHandlers } from './payments';
import { payoutHandlers, serviceHandlers, tokenHandlers } from './payouts-tokens';

function send(reply: FastifyReply, answer: ApiAnswer) {
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  reply.status(answer.status);
  if (answer.body === null || answer.body === undefined) return reply.send();
  return reply.type('application/json').send(JSON.stringify(answer.body));
}

export async function registerOnlineApi(app: FastifyInstance, deps: OnlineDeps): Promise<void> {
  const ctx = deps.ledger.ctx;
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req) => {
      const credentials = await deps.authenticate(req, 'api');
      const merchantId = (req.params as { merchantId?: string }).merchantId ?? '';
      if (credentials.merchantId !== merchantId) throw fail('MERCHANT_FORBIDDEN', { merchantId });
      req.credentials = credentials;
    });

    const route = (method: 'GET' | 'POST' | 'DELETE', url: string, handler: OnlineHandler) =>
      scope.route({
        method,
        url: `/v2/:merchantId${url}`,
        handler: async (req, reply) => {
          const params = req.params as Record<string, string>;
          const merchantId = params.merchantId ?? '';
          const now = ctx.clock.now();
          const key = req.headers['x-gcs-idempotence-key'];
          const requestKey =
            method === 'POST' && typeof key === 'string'
              ? { key, hash: requestHash(method, req.raw.url ?? req.url, req.rawBody) }
              : null;
          const run = async (): Promise<ApiAnswer> => {
            try {
              return await handler({
                merchantId,
                credentials: req.credentials!,
                params,
                body: req.body,
                now,
                requestKey,
              });
            } catch (e) {
              const failure = asApiFailure(e);
              if (failure) return { status: failure.status, body: errorBody(ctx.newId(), failure) };
              throw e;
            }
          };
          const answer = requestKey
            ? await runIdempotent(deps.db, { merchantId, ...requestKey, now }, run)
            : await run();
          return send(reply, answer);
        },
      });

    const payments = paymentHandlers(deps);
    route('POST', '/payments', payments.create);
    route('GET', '/payments/:paymentId', payments.get);
    route('GET', '/payments/:paymentId/details', payments.details);
    route('POST', '/payments/:paymentId/subsequent', payments.subsequent);
    route('POST', '/payments/:paymentId/refund', payments.refund);
    route('POST', '/payments/:paymentId/capture', payments.capture);
    route('POST', '/payments/:paymentId/cancel', payments.cancel);
    route('GET', '/payments/:paymentId/refunds', payments.listRefunds);
    route('GET', '/payments/:paymentId/captures', payments.listCaptures);
    const payouts = payoutHandlers(deps);
    route('POST', '/payouts', payouts.create);
    route('GET', '/payouts/:payoutId', payouts.get);
    const tokens = tokenHandlers(deps);
    route('POST', '/tokens', tokens.create);
    route('GET', '/tokens/:tokenId', tokens.get);
    route('DELETE', '/tokens/:tokenId', tokens.remove);
    const services = serviceHandlers();
    route('GET', '/services/testconnection', services.testConnection);
  });
}
