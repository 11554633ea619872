/**
 * Issue 7, "Done when": thousands of hostile bodies, properly signed, to every money endpoint of the three
 * APIs (online create payment, subsequent, capture, cancel, refund, payout, token; back-office capture,
 * refund, cancel, chargeback, rebill; sync push, reservation, confirmation). Each body is a valid request with one hostile
 * mutation (NUL and other control characters, lone surrogates, raw bytes that are not UTF-8, huge, fractional
 * and out-of-range numbers, `1e400`, wrong types, oversized fields, deep nesting, arrays where objects are
 * expected), or a hostile body altogether. Asserted: no 5xx; every error in the API's documented shape with
 * `httpStatusCode` equal to the status; every sync answer in the protocol's shape; and afterwards no journal
 * row open, no money exception, and the sandbox acquirer's records equal the ledger's (no money moved that
 * the ledger did not record). Deterministic (fast-check seed), PGlite.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { ApiErrorResponseSchema } from '../../../src-shared/backoffice-api';
import { SYNC_BODY_DIGEST_HEADER, SyncPushResponseSchema } from '../../../src-shared/sync-protocol';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../../../src-core/routing/v1hmac';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { cardFactsOf, eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are JSON of any shape */
const SEED = 20261126;
const BODIES = 2_100;
const visa = testCardById('visa-approve')!;
const card = { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123', cardholderName: 'Ada Lovelace' };

// Values JSON.stringify cannot write are put in as markers and spliced into the raw bytes.
const RAW_1E400 = '\u0001raw:1e400';
const RAW_NEG_1E400 = '\u0001raw:-1e400';
const RAW_BAD_UTF8 = '\u0001raw:bad-utf8';
const RAW_DEEP = '\u0001raw:deep';
const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);

function toBytes(body: unknown): Buffer {
  const text = typeof body === 'string' && body.startsWith('\u0002') ? body.slice(1) : JSON.stringify(body);
  const parts = text.split(/("\\u0001raw:[^"]*")/);
  return Buffer.concat(
    parts.map((p) => {
      if (p === JSON.stringify(RAW_1E400)) return Buffer.from('1e400');
      if (p === JSON.stringify(RAW_NEG_1E400)) return Buffer.from('-1e400');
      if (p === JSON.stringify(RAW_DEEP)) return Buffer.from(DEEP);
      if (p === JSON.stringify(RAW_BAD_UTF8))
        return Buffer.from([0x22, 0x61, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22]);
      return Buffer.from(p, 'utf8');
    }),
  );
}

const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'ref\u0000',
    '\ud800',
    'a\udfffb',
    '\u001b[31mred',
    'x\u0085y',
    'tab\there',
    '',
    ' ',
    'x'.repeat(10_000),
    '😀'.repeat(60),
    "'; DROP TABLE orders; --",
    '%00',
    '12.345',
    '1e400',
    '-1',
    RAW_BAD_UTF8,
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u007f', '\u0009'), maxLength: 8 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    -0,
    0.5,
    12.345,
    1e-7,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    -(2 ** 63),
    3e9,
    RAW_1E400,
    RAW_NEG_1E400,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const hostileOther = fc.constantFrom<unknown>(
  null,
  true,
  false,
  [],
  [1, 2, 3],
  {},
  { amount: 1 },
  [{ amountMinor: 1, currency: 'EUR' }],
  RAW_DEEP,
  JSON.parse('{"a":'.repeat(500) + '1' + '}'.repeat(500)),
);
const hostileValue = fc.oneof(hostileString, hostileNumber, hostileOther);
/** A whole body that is no request at all (a leading \u0002 means "send these characters as they are"). */
const hostileBody = fc.constantFrom<unknown>(
  '\u0002[]',
  '\u0002"text"',
  '\u00021e400',
  '\u0002null',
  '\u0002{',
  '\u0002{"order":',
  '\u0002' + DEEP,
  '\u0002' + '{"a":'.repeat(100_000),
  [],
  [{}],
  'a string',
  { messages: RAW_DEEP },
);

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'add'; at: number; value: unknown }
  | { kind: 'body'; value: unknown };

const mutation: fc.Arbitrary<{ endpoint: number; m: Mutation }> = fc.record({
  endpoint: fc.nat(),
  m: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), value: hostileValue }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('body' as const), value: hostileBody }) },
  ),
});

/** Paths of every node of a JSON value (objects and arrays included, the root excluded). */
function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== 'object') return [];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
}

function mutate(template: any, m: Mutation): unknown {
  if (m.kind === 'body') return m.value;
  const all = paths(template);
  const path = all[m.at % all.length]!;
  const parent = path.slice(0, -1).reduce((o: any, k) => o[k], template);
  const key = path.at(-1)!;
  if (m.kind === 'set') parent[key] = m.value;
  else if (m.kind === 'remove') delete parent[key];
  else {
    const target = parent[key] !== null && typeof parent[key] === 'object' ? parent[key] : parent;
    if (Array.isArray(target)) target.push(m.value);
    else target[`extra${m.at % 3}`] = m.value;
  }
  return template;
}

interface Answer {
  status: number;
  body: any;
  text: string;
}

function send(
  core: TestCore,
  who: { keyId: string; secret: string },
  path: string,
  bytes: Buffer,
  digest: boolean,
): Promise<Answer> {
  const date = formatHttpDate(new Date());
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Date: date,
    'X-GCS-Idempotence-Key': `fuzz-${createHash('sha256').update(bytes).update(path).digest('hex').slice(0, 32)}`,
  };
  if (digest) headers[SYNC_BODY_DIGEST_HEADER] = createHash('sha256').update(bytes).digest('base64');
  const signature = signV1Hmac(who.secret, {
    method: 'POST',
    contentType: headers['Content-Type'],
    date,
    headers,
    pathAndQuery: path,
  });
  headers.Authorization = authorizationHeader(who.keyId, signature);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: core.port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

describe('hostile input fuzz (PGlite)', () => {
  let core: TestCore;
  let term: TestTerminal;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    core = await startTestCore('pglite', { journal: { graceMs: 60_000 } });
    term = testTerminal(core.url, core.terminal);
    const M = core.merchantId;
    // 100,040.00: the hostile bodies capture and refund 0.01 at a time, and a capture without an amount takes
    // what remains; starting here, no remainder ends in the sandbox's documented decline/time-out endings
    // (…99.05, …99.91, src-shared/test-cards.ts), so every 5xx is a defect, never a documented outcome.
    const pay = async (extra: object, amount = 10_004_000) => {
      const r = await core.raw('POST', `/v2/${M}/payments`, {
        body: {
          order: { amountOfMoney: { amount, currencyCode: 'EUR' } },
          cardPaymentMethodSpecificInput: { card, ...extra },
        },
      });
      expect(r.status, r.text).toBe(201);
      return (r.body as any).payment.id as string;
    };
    ids.sale = await pay({
      unscheduledCardOnFileRequestor: 'cardholderInitiated',
      unscheduledCardOnFileSequenceIndicator: 'first',
    });
    ids.auth = await pay({ authorizationMode: 'PRE_AUTHORIZATION' });
    ids.auth2 = await pay({ authorizationMode: 'PRE_AUTHORIZATION' });
    const opOf = async (paymentId: string, kind: string) => {
      const r = await core.raw('GET', `/backoffice/v1/${M}/operations?paymentId=${paymentId}`);
      return (r.body as any).operations.find((o: any) => o.kind === kind).operationId as string;
    };
    ids.saleOp = await opOf(ids.sale, 'SALE');
    ids.authOp = await opOf(ids.auth, 'AUTHORISATION');
    ids.auth2Op = await opOf(ids.auth2, 'AUTHORISATION');
    ids.counterPayment = (await term.sale({ total: 10_000_000, paid: 10_000_000 })).paymentId;
    const held = await term.raw('POST', '/sync/v1/reservations', {
      body: { reservationId: term.newId(), paymentId: ids.counterPayment, amount: eurMoney(100) },
    });
    expect(held.status, held.text).toBe(201);
    ids.reservation = (held.body as any).reservationId;
  }, 60_000);
  afterAll(async () => {
    await core?.close();
  });

  interface Endpoint {
    name: string;
    api: 'online' | 'backoffice' | 'push' | 'sync';
    path: () => string;
    body: () => any;
  }
  const endpoints = (): Endpoint[] => {
    const M = core.merchantId;
    const money = (amount: number) => ({ amount, currencyCode: 'EUR' });
    return [
      {
        name: 'create payment',
        api: 'online',
        path: () => `/v2/${M}/payments`,
        body: () => ({
          order: {
            amountOfMoney: money(100),
            references: { merchantReference: 'order-1' },
            customer: { merchantCustomerId: 'cust-1' },
          },
          cardPaymentMethodSpecificInput: { card: { ...card }, tokenize: true, paymentProductId: 1 },
        }),
      },
      {
        name: 'subsequent payment',
        api: 'online',
        path: () => `/v2/${M}/payments/${ids.sale}/subsequent`,
        body: () => ({
          order: { amountOfMoney: money(100), references: { merchantReference: 'sub' } },
          subsequentcardPaymentMethodSpecificInput: { authorizationMode: 'SALE' },
        }),
      },
      {
        name: 'capture',
        api: 'online',
        path: () => `/v2/${M}/payments/${ids.auth}/capture`,
        body: () => ({ amount: 1, isFinal: false, operationReferences: { merchantReference: 'cap' } }),
      },
      {
        name: 'cancel',
        api: 'online',
        path: () => `/v2/${M}/payments/${ids.auth2}/cancel`,
        body: () => ({
          amountOfMoney: money(1),
          isFinal: false,
          operationReferences: { merchantReference: 'c' },
        }),
      },
      {
        name: 'refund',
        api: 'online',
        path: () => `/v2/${M}/payments/${ids.sale}/refund`,
        body: () => ({
          amountOfMoney: money(1),
          references: { merchantReference: 'ref' },
          operationReferences: { merchantReference: 'op' },
          omnichannelRefundSpecificInput: { operatorId: 'op-1' },
        }),
      },
      {
        name: 'payout',
        api: 'online',
        path: () => `/v2/${M}/payouts`,
        body: () => ({
          amountOfMoney: money(1),
          omnichannelPayoutSpecificInput: { paymentId: ids.sale, operatorId: 'op-1' },
          references: { merchantReference: 'po' },
        }),
      },
      {
        name: 'create token',
        api: 'online',
        path: () => `/v2/${M}/tokens`,
        body: () => ({ card: { data: { card: { ...card } }, customer: { merchantCustomerId: 'cust-2' } } }),
      },
      {
        name: 'back-office capture',
        api: 'backoffice',
        path: () => `/backoffice/v1/${M}/operations/${ids.authOp}/captures`,
        body: () => ({ amountMinor: 1, isFinal: false, merchantReference: 'bo', operatorId: 'mgr' }),
      },
      {
        name: 'back-office refund',
        api: 'backoffice',
        path: () => `/backoffice/v1/${M}/operations/${ids.saleOp}/refunds`,
        body: () => ({
          amount: { amountMinor: 1, currency: 'EUR' },
          merchantReference: 'bo',
          operatorId: 'mgr',
        }),
      },
      {
        name: 'back-office cancel',
        api: 'backoffice',
        path: () => `/backoffice/v1/${M}/operations/${ids.auth2Op}/cancels`,
        body: () => ({
          amount: { amountMinor: 1, currency: 'EUR' },
          merchantReference: 'bo',
          operatorId: 'mgr',
        }),
      },
      {
        name: 'back-office chargeback',
        api: 'backoffice',
        path: () => `/backoffice/v1/${M}/payments/${ids.sale}/chargebacks`,
        body: () => ({
          amount: { amountMinor: 1, currency: 'EUR' },
          merchantReference: 'cb',
          operatorId: 'mgr',
        }),
      },
      {
        name: 'back-office rebill',
        api: 'backoffice',
        path: () => `/backoffice/v1/${M}/payments/${ids.sale}/rebills`,
        body: () => ({
          amount: { amountMinor: 1, currency: 'EUR' },
          merchantReference: 'rb',
          operatorId: 'mgr',
        }),
      },
      {
        name: 'sync push',
        api: 'push',
        path: () => '/sync/v1/push',
        body: () => {
          const order = term.messages.order(1_000, { merchantReference: 'counter', customerRef: 'c-9' });
          const payment = term.messages.payment(order.orderId, 1_000, {
            card: cardFactsOf('visa-approve'),
            terminalReference: 'r-1',
            operatorId: 'cashier',
          });
          const refund = term.messages.onPayment('REFUND', ids.counterPayment!, {
            amount: eurMoney(1),
            method: 'CASH',
            operatorId: 'cashier',
          });
          const envelope = () => ({
            messageId: term.newId(),
            seq: term.seq(),
            occurredAt: new Date().toISOString(),
          });
          const cash = {
            ...envelope(),
            kind: 'CASH_MOVEMENT',
            direction: 'IN',
            reason: 'FLOAT',
            amount: eurMoney(1),
            note: 'float\nfor the day',
            operatorId: 'cashier',
          };
          const endOfDay = {
            ...envelope(),
            kind: 'END_OF_DAY',
            businessDay: new Date().toISOString().slice(0, 10),
            totals: [
              {
                currency: 'EUR',
                method: 'CARD',
                salesMinor: 0,
                voidsMinor: 0,
                refundsMinor: 0,
                paymentCount: 0,
              },
            ],
            terminalReference: 'eod-1',
            operatorId: 'cashier',
          };
          return { messages: [order, payment, refund, cash, endOfDay] };
        },
      },
      {
        name: 'sync reservation',
        api: 'sync',
        path: () => '/sync/v1/reservations',
        body: () => ({
          reservationId: term.newId(),
          paymentId: ids.counterPayment,
          amount: eurMoney(1),
          ttlSeconds: 60,
        }),
      },
      {
        name: 'sync confirmation',
        api: 'sync',
        path: () => `/sync/v1/reservations/${ids.reservation}/confirm`,
        body: () => ({
          operationId: term.newId(),
          amount: eurMoney(1),
          occurredAt: new Date().toISOString(),
          terminalReference: 't-1',
          operatorId: 'cashier',
        }),
      },
    ];
  };

  it(`${BODIES} hostile bodies: no 5xx, every answer in its API's shape, the acquirer's records equal the ledger's`, async () => {
    const started = Date.now();
    const list = endpoints();
    const cases = fc.sample(mutation, { seed: SEED, numRuns: BODIES });
    const statuses = new Map<string, number>();
    const perEndpoint = new Map<string, number>();
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      const e = list[c.endpoint % list.length]!;
      const body = mutate(e.body(), structuredClone(c.m));
      const bytes = toBytes(body);
      const who =
        e.api === 'push' || e.api === 'sync' ? core.terminal : { keyId: core.apiKeyId, secret: core.secret };
      const a = await send(core, who, e.path(), bytes, e.api === 'push' || e.api === 'sync');
      statuses.set(`${a.status}`, (statuses.get(`${a.status}`) ?? 0) + 1);
      perEndpoint.set(e.name, (perEndpoint.get(e.name) ?? 0) + 1);
      const where = `#${i} ${e.name} ${JSON.stringify(c.m).slice(0, 200)} → ${a.status} ${a.text.slice(0, 300)}`;
      if (a.status >= 500) problems.push(`5xx: ${where}`);
      else if (a.status >= 400) {
        const shaped = ApiErrorResponseSchema.safeParse(a.body);
        if (!shaped.success) problems.push(`not in the error shape: ${where}`);
        else if (shaped.data.errors[0]?.httpStatusCode !== a.status)
          problems.push(`httpStatusCode differs: ${where}`);
      } else if (e.api === 'push' && !SyncPushResponseSchema.safeParse(a.body).success) {
        problems.push(`push answer not in the protocol's shape: ${where}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(Math.min(...perEndpoint.values())).toBeGreaterThanOrEqual(100);

    // Nothing left open, nothing refused after the acquirer moved money.
    const db = core.t.db;
    expect(await db.query(`SELECT id, kind, state FROM acquirer_journal WHERE state <> 'DONE'`)).toEqual([]);
    expect(await db.query(`SELECT id, reason_code FROM money_exceptions`)).toEqual([]);
    // Every approved acquirer record is a ledger operation with the same id and amount, and back.
    const moved = await db.query<{ reference: string; amount_minor: string | null }>(
      `SELECT reference, amount_minor FROM sandbox_acquirer_journal s
       WHERE (s.answer::json->>'type' = 'MOVEMENT' AND (s.answer::json->'result'->>'ok')::boolean)
          OR (s.answer::json->>'type' = 'AUTHORISATION' AND s.answer::json->'resolution'->>'outcome' = 'APPROVED')
         AND reference NOT IN (SELECT id::text FROM acquirer_journal WHERE kind = 'RELEASE')
       ORDER BY reference`,
    );
    const recorded = await db.query<{ id: string; amount_minor: string | null }>(
      `SELECT id::text AS id, amount_minor FROM operations
       WHERE kind IN ('SALE', 'AUTHORISATION', 'CAPTURE', 'AUTHORISATION_REVERSAL', 'CANCEL', 'REFUND', 'PAYOUT',
         'REBILL')
         AND channel <> 'IN_STORE' AND id::text IN (SELECT id::text FROM acquirer_journal)
       ORDER BY id`,
    );
    const key = (rows: Array<{ amount_minor: string | null }>, id: (r: any) => string) =>
      rows.map((r) => `${id(r)}:${r.amount_minor === null ? '-' : Number(r.amount_minor)}`).sort();
    expect(key(moved, (r) => r.reference)).toEqual(key(recorded, (r) => r.id));
    const seconds = (Date.now() - started) / 1000;
    // The numbers the issue asks for, in the test output.
    console.log(
      `hostile-input fuzz: ${cases.length} bodies in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort()),
      )}; per endpoint ${JSON.stringify(Object.fromEntries(perEndpoint))}; ${moved.length} acquirer records = ledger`,
    );
  }, 120_000);
});
