/**
 * Not the core: the least a journaled online refund or subsequent payment can cost on this machine, for
 * `core.bench.ts` to measure beside the core. A signed request in (v1HMAC, the same check as the core's), the
 * journal row written before the acquirer is asked, with the rules checked in SQL (a refund: the refund lock
 * and the balance against the order's stored summary, `refundable_minor`; a subsequent payment: a card on file
 * on the payment named), an acquirer that approves at once in this process, the answer recorded in one
 * statement (the operation, for a subsequent payment its payment row too, the order's summary moved in SQL,
 * the journal row closed), a JSON answer. Two statements, two commits, two round trips; no idempotence keys,
 * no order read, no ledger code, one payment per order to start with (the bench's orders): a design floor, not
 * a payment a merchant could use.
 *
 * MONEY_FLOOR adds, one at a time, what the core does beyond that:
 * - `transactions`: each statement in a transaction of its own (BEGIN, the statement and COMMIT in one write);
 * - `order-lock`: and the order row locked (`SELECT … FOR UPDATE`, nothing read) before the journal row, in
 *   its transaction, as the core locks it against the counter's refund reservations;
 * - `order-load`: and instead of that lock the core's own locked whole-order load (`selectWholeOrderRow`,
 *   read with `wholeOrderFromRow`), as the core's refunds and subsequent payments start today.
 *
 * Prints the core's start-up line (`"msg":"core listening"`, with the port), so `startCore` can run it.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { lastStatement, type Db, type Queryable } from '../../src-core/db/adapter';
import { openPostgres } from '../../src-core/db/postgres';
import {
  selectWholeOrderRow,
  wholeOrderFromRow,
  type WholeOrderRow,
} from '../../src-core/ledger/whole-order';
import { parseAuthorization, receivedSignedRequest, signatureMatches } from '../../src-core/routing/v1hmac';

const REFUND_ROW = `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor,
    currency, card_ref, request, state)
  SELECT $1::uuid, 'REFUND', p.merchant_id, p.order_id, p.id, $2::bigint, p.currency, p.card_ref, $3, 'PENDING'
  FROM payments p JOIN orders o ON o.id = p.order_id
  WHERE p.id = $4 AND p.merchant_id = $5 AND p.currency = $6 AND o.refundable_minor >= $2::bigint
    AND NOT EXISTS (SELECT 1 FROM acquirer_journal j WHERE j.order_id = p.order_id AND j.state <> 'DONE'
      AND j.kind IN ('REFUND', 'PAYOUT', 'CANCEL'))
  RETURNING order_id`;

const REFUND_RECORDING = `WITH closed AS (
    UPDATE acquirer_journal SET state = 'DONE', result = 'APPROVED', answer = $1, closed_at = statement_timestamp()
    WHERE id = $2 AND state = 'PENDING' RETURNING order_id
  ), summary AS (
    UPDATE orders SET op_count = op_count + 1, summary_op_count = op_count + 1,
      refundable_minor = refundable_minor - $3, updated_at = statement_timestamp(),
      status = CASE WHEN refundable_minor = $3 THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END
    WHERE id = (SELECT order_id FROM closed) RETURNING op_count
  )
  INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
    currency, channel, occurred_at)
  SELECT $4, (SELECT order_id FROM closed), $5, $6, (SELECT op_count FROM summary),
    (SELECT max(payment_seq) + 1 FROM operations WHERE payment_id = $5), 'REFUND', $3, $7, 'ONLINE',
    statement_timestamp()
  WHERE EXISTS (SELECT 1 FROM summary)
  RETURNING order_seq`;

/** A new payment's id: an issuer of its own (999999), so it never meets one the core mints. */
const SUBSEQUENT_ROW = `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor,
    currency, mode, card_ref, request, state)
  SELECT $1::uuid, 'AUTHORISE', p.merchant_id, p.order_id,
    '1999999' || lpad(nextval('core_payment_seq')::text, 12, '0'), $2::bigint, p.currency, 'SALE', p.card_ref, $3,
    'PENDING'
  FROM payments p
  WHERE p.id = $4 AND p.merchant_id = $5 AND p.currency = $6 AND p.card_ref IS NOT NULL
  RETURNING order_id, payment_id, card_ref`;

const SUBSEQUENT_RECORDING = `WITH closed AS (
    UPDATE acquirer_journal SET state = 'DONE', result = 'APPROVED', answer = $1, closed_at = statement_timestamp()
    WHERE id = $2 AND state = 'PENDING' RETURNING order_id, payment_id, amount_minor, currency, card_ref
  ), summary AS (
    UPDATE orders SET op_count = op_count + 1, summary_op_count = op_count + 1,
      authorised_minor = authorised_minor + $3, collected_minor = collected_minor + $3,
      refundable_minor = refundable_minor + $3, updated_at = statement_timestamp()
    WHERE id = (SELECT order_id FROM closed) RETURNING op_count
  ), payment AS (
    INSERT INTO payments (id, order_id, merchant_id, channel, outcome, requested_mode, requested_amount_minor,
      currency, card_ref, card_on_file, cof_requestor, initiated_by_payment_id, occurred_at)
    SELECT payment_id, order_id, $4, 'ONLINE', 'RECORDED', 'SALE', amount_minor, currency, card_ref, 'subsequent',
      'merchantInitiated', $5, statement_timestamp()
    FROM closed WHERE EXISTS (SELECT 1 FROM summary)
  )
  INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
    currency, channel, occurred_at)
  SELECT $6, c.order_id, c.payment_id, $4, (SELECT op_count FROM summary), 0, 'SALE', c.amount_minor, c.currency,
    'ONLINE', statement_timestamp()
  FROM closed c WHERE EXISTS (SELECT 1 FROM summary)
  RETURNING order_seq`;

const MONEY_PATH = /^\/v2\/([^/]+)\/payments\/(\d{19})\/(refund|subsequent)$/;

interface Answer {
  status: number;
  body: string;
}

function refusal(status: number, code: string): Answer {
  return { status, body: JSON.stringify({ errors: [{ code }] }) };
}

/** The floor first, then what the core adds, one piece at a time (see the top of this file). */
export const FLOOR_VARIANTS = ['floor', 'transactions', 'order-lock', 'order-load'] as const;
export type FloorVariant = (typeof FLOOR_VARIANTS)[number];

const ORDER_LOCK = `SELECT o.id FROM orders o JOIN payments p ON p.order_id = o.id
  WHERE p.id = $1 AND p.merchant_id = $2 FOR UPDATE OF o`;

/** The two writes, each alone (its own commit) or as `variant` says. */
function writer(db: Db, variant: FloorVariant) {
  const inTransaction = (sql: string, params: unknown[], before?: (tx: Queryable) => Promise<unknown>) =>
    db.transaction(async (tx) => {
      const first = before?.(tx);
      const rows = lastStatement(tx).query(sql, params as never[]);
      const [loaded, written] = await Promise.all([first, rows]);
      return { loaded, written };
    });
  return {
    async journalRow(sql: string, params: unknown[], merchantId: string, paymentId: string) {
      switch (variant) {
        case 'floor':
          return db.query(sql, params as never[]);
        case 'transactions':
          return (await inTransaction(sql, params)).written;
        case 'order-lock':
          return (await inTransaction(sql, params, (tx) => tx.query(ORDER_LOCK, [paymentId, merchantId])))
            .written;
        case 'order-load': {
          const { loaded, written } = await inTransaction(sql, params, (tx) =>
            selectWholeOrderRow(tx, merchantId, { paymentId }, true),
          );
          if (loaded) await wholeOrderFromRow(db, loaded as WholeOrderRow);
          return written;
        }
      }
    },
    async recording(sql: string, params: unknown[]) {
      if (variant === 'floor') return db.query(sql, params as never[]);
      return (await inTransaction(sql, params)).written;
    },
  };
}

interface Keys {
  keyId: string;
  secret: string;
  merchantId: string;
}

type Request = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

function signedBy(keys: Keys, req: Request): boolean {
  const auth = parseAuthorization(req.headers.authorization);
  return (
    auth?.keyId === keys.keyId && signatureMatches(keys.secret, receivedSignedRequest(req), auth.signature)
  );
}

async function moveMoney(w: ReturnType<typeof writer>, keys: Keys, req: Request): Promise<Answer> {
  if (!signedBy(keys, req)) return refusal(401, 'AUTHENTICATION_FAILED');
  const path = MONEY_PATH.exec(req.url);
  if (!path || path[1] !== keys.merchantId) return refusal(404, 'NOT_FOUND');
  const paymentId = path[2]!;
  const refund = path[3] === 'refund';
  const body = JSON.parse(req.body) as {
    amountOfMoney?: { amount: number; currencyCode: string };
    order?: { amountOfMoney: { amount: number; currencyCode: string } };
  };
  const amountOfMoney = (refund ? body.amountOfMoney : body.order?.amountOfMoney)!;
  const journalId = randomUUID();
  const request = JSON.stringify({ kind: refund ? 'REFUND' : 'AUTHORISE', paymentId, amountOfMoney });
  const written = await w.journalRow(
    refund ? REFUND_ROW : SUBSEQUENT_ROW,
    [journalId, amountOfMoney.amount, request, paymentId, keys.merchantId, amountOfMoney.currencyCode],
    keys.merchantId,
    paymentId,
  );
  const row = written[0] as { payment_id?: string } | undefined;
  if (!row) return refusal(409, 'REFUSED');
  // The acquirer (in this process) approves at once.
  const answer = JSON.stringify({ result: 'APPROVED', reference: journalId });
  const recorded = refund
    ? await w.recording(REFUND_RECORDING, [
        answer,
        journalId,
        amountOfMoney.amount,
        randomUUID(),
        paymentId,
        keys.merchantId,
        amountOfMoney.currencyCode,
      ])
    : await w.recording(SUBSEQUENT_RECORDING, [
        answer,
        journalId,
        amountOfMoney.amount,
        keys.merchantId,
        paymentId,
        randomUUID(),
      ]);
  if (!recorded[0]) return refusal(500, 'NOT_RECORDED');
  const status = { statusCode: refund ? 8 : 9, isCancellable: false };
  return {
    status: 201,
    body: JSON.stringify(
      refund
        ? {
            id: `${paymentId}-${journalId}`,
            refundOutput: { amountOfMoney },
            status: 'REFUND_REQUESTED',
            statusOutput: status,
          }
        : {
            payment: {
              id: row.payment_id,
              paymentOutput: { amountOfMoney },
              status: 'CAPTURED',
              statusOutput: status,
            },
          },
    ),
  };
}

function main() {
  const db = openPostgres({ connectionString: process.env.DATABASE_URL!, max: 32 });
  const variant = process.env.MONEY_FLOOR ?? 'floor';
  if (!FLOOR_VARIANTS.includes(variant as FloorVariant)) {
    throw new Error(`MONEY_FLOOR=${variant}: use one of ${FLOOR_VARIANTS.join(', ')}`);
  }
  const w = writer(db, variant as FloorVariant);
  const keys: Keys = {
    keyId: process.env.FLOOR_KEY_ID!,
    secret: process.env.FLOOR_SECRET!,
    merchantId: process.env.FLOOR_MERCHANT_ID!,
  };
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      // With its length, as the core answers (not chunked).
      const answer = (status: number, type: string, text: string) =>
        res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) }).end(text);
      moveMoney(w, keys, { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }).then(
        (a) => answer(a.status, 'application/json', a.body),
        (e: unknown) => answer(500, 'text/plain', String(e)),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(JSON.stringify({ msg: 'core listening', port }));
  });
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void db.close().then(() => process.exit(0));
  });
}

// Run as a program (by `startCore`); imported (by core.bench.ts) for its variants only.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
