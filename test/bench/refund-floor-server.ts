/**
 * Not the core: the least a journaled online refund can cost on this machine, for `core.bench.ts` to measure
 * beside the core. A signed request in (v1HMAC, the same check as the core's), the journal row written before
 * the acquirer is asked, with the refund lock and the balance checked in SQL against the order's stored
 * summary (`refundable_minor`), an acquirer that approves at once in this process, the answer recorded (the
 * operation, the order's summary moved in SQL, the journal row closed) in one statement, a JSON answer. Two
 * statements, two commits, two round trips; no idempotence keys, no order read, no ledger code, one payment
 * per order (the bench's orders): a design floor, not a refund a merchant could use.
 *
 * REFUND_FLOOR adds, one at a time, what the core's refund does beyond that:
 * - `transactions`: each statement in a transaction of its own (BEGIN, the statement and COMMIT in one write);
 * - `order-lock`: and the order row locked (`SELECT … FOR UPDATE`, nothing read) before the journal row, in
 *   its transaction, as the core locks it against the counter's refund reservations;
 * - `order-load`: and instead of that lock the core's own locked whole-order load (`selectWholeOrderRow`,
 *   read with `wholeOrderFromRow`), as the core's refund starts today.
 *
 * Prints the core's start-up line (`"msg":"core listening"`, with the port), so `startCore` can run it.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { lastStatement, type Db, type Queryable } from '../../src-core/db/adapter';
import { openPostgres } from '../../src-core/db/postgres';
import {
  selectWholeOrderRow,
  wholeOrderFromRow,
  type WholeOrderRow,
} from '../../src-core/ledger/whole-order';
import { signatureMatches } from '../../src-core/routing/v1hmac';
import { parseAuthorization } from '../../src-shared/v1hmac';

const JOURNAL_ROW = `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor,
    currency, card_ref, request, state)
  SELECT $1::uuid, 'REFUND', p.merchant_id, p.order_id, p.id, $2::bigint, p.currency, p.card_ref, $3, 'PENDING'
  FROM payments p JOIN orders o ON o.id = p.order_id
  WHERE p.id = $4 AND p.merchant_id = $5 AND p.currency = $6 AND o.refundable_minor >= $2::bigint
    AND NOT EXISTS (SELECT 1 FROM acquirer_journal j WHERE j.order_id = p.order_id AND j.state <> 'DONE'
      AND j.kind IN ('REFUND', 'PAYOUT', 'CANCEL'))
  RETURNING order_id`;

const RECORDING = `WITH closed AS (
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

const REFUND_PATH = /^\/v2\/([^/]+)\/payments\/(\d{19})\/refund$/;

interface Answer {
  status: number;
  body: string;
}

function refusal(status: number, code: string): Answer {
  return { status, body: JSON.stringify({ errors: [{ code }] }) };
}

type Variant = 'floor' | 'transactions' | 'order-lock' | 'order-load';

const ORDER_LOCK = `SELECT o.id FROM orders o JOIN payments p ON p.order_id = o.id
  WHERE p.id = $1 AND p.merchant_id = $2 FOR UPDATE OF o`;

/** The two writes, each alone (its own commit) or as `variant` says. */
function writer(db: Db, variant: Variant) {
  const inTransaction = (sql: string, params: unknown[], before?: (tx: Queryable) => Promise<unknown>) =>
    db.transaction(async (tx) => {
      const first = before?.(tx);
      const rows = lastStatement(tx).query<{ order_id: string }>(sql, params as never[]);
      const [loaded, written] = await Promise.all([first, rows]);
      return { loaded, written };
    });
  return {
    async journalRow(params: unknown[], merchantId: string, paymentId: string) {
      switch (variant) {
        case 'floor':
          return db.query<{ order_id: string }>(JOURNAL_ROW, params as never[]);
        case 'transactions':
          return (await inTransaction(JOURNAL_ROW, params)).written;
        case 'order-lock':
          return (
            await inTransaction(JOURNAL_ROW, params, (tx) => tx.query(ORDER_LOCK, [paymentId, merchantId]))
          ).written;
        case 'order-load': {
          const { loaded, written } = await inTransaction(JOURNAL_ROW, params, (tx) =>
            selectWholeOrderRow(tx, merchantId, { paymentId }, true),
          );
          if (loaded) await wholeOrderFromRow(db, loaded as WholeOrderRow);
          return written;
        }
      }
    },
    async recording(params: unknown[]) {
      if (variant === 'floor') return db.query(RECORDING, params as never[]);
      return (await inTransaction(RECORDING, params)).written;
    },
  };
}

async function refund(
  w: ReturnType<typeof writer>,
  keys: { keyId: string; secret: string; merchantId: string },
  req: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string },
): Promise<Answer> {
  const auth = parseAuthorization(req.headers.authorization);
  const signed =
    auth?.keyId === keys.keyId &&
    signatureMatches(
      keys.secret,
      {
        method: req.method,
        contentType: req.headers['content-type'] ?? '',
        date: req.headers.date ?? '',
        headers: req.headers as Record<string, string>,
        pathAndQuery: req.url,
      },
      auth.signature,
    );
  if (!signed) return refusal(401, 'AUTHENTICATION_FAILED');
  const path = REFUND_PATH.exec(req.url);
  if (!path || path[1] !== keys.merchantId) return refusal(404, 'NOT_FOUND');
  const paymentId = path[2]!;
  const { amountOfMoney } = JSON.parse(req.body) as {
    amountOfMoney: { amount: number; currencyCode: string };
  };
  const journalId = randomUUID();
  const request = JSON.stringify({ kind: 'REFUND', paymentId, amountOfMoney });
  const written = await w.journalRow(
    [journalId, amountOfMoney.amount, request, paymentId, keys.merchantId, amountOfMoney.currencyCode],
    keys.merchantId,
    paymentId,
  );
  if (!written[0]) return refusal(409, 'REFUND_REFUSED');
  // The acquirer (in this process) approves at once.
  const answer = JSON.stringify({ result: 'APPROVED', reference: journalId });
  const recorded = await w.recording([
    answer,
    journalId,
    amountOfMoney.amount,
    randomUUID(),
    paymentId,
    keys.merchantId,
    amountOfMoney.currencyCode,
  ]);
  if (!recorded[0]) return refusal(500, 'NOT_RECORDED');
  return {
    status: 201,
    body: JSON.stringify({
      id: `${paymentId}-${journalId}`,
      refundOutput: { amountOfMoney, paymentMethod: 'card' },
      status: 'REFUND_REQUESTED',
      statusOutput: { statusCode: 8, isCancellable: false },
    }),
  };
}

function main() {
  const db = openPostgres({ connectionString: process.env.DATABASE_URL!, max: 32 });
  const w = writer(db, (process.env.REFUND_FLOOR ?? 'floor') as Variant);
  const keys = {
    keyId: process.env.FLOOR_KEY_ID!,
    secret: process.env.FLOOR_SECRET!,
    merchantId: process.env.FLOOR_MERCHANT_ID!,
  };
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      refund(w, keys, { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }).then(
        (a) => res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(a.body),
        (e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e)),
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

main();
