/**
 * The terminal host's store (issue 9 "Tests and numbers"), each figure beside its goal:
 * - durable checkouts/s through the real use case (a cash sale: order, lines, payment, drawer movement and
 *   two outbox messages in one transaction, synchronous=FULL) against raw better-sqlite3 inserts of the same
 *   rows with the same pragmas (goal ≥ 0.8 of raw);
 * - host start to ready (open, integrity check, migrations, first status) with 100,000 orders (goal < 1.5 s);
 * - an order search with 100,000 orders: by customer name, payment id and business day (goal < 50 ms);
 * - resident memory after opening and searching the 100,000-order database.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { BenchFigure } from '../../scripts/bench';
import { createUuidV7Generator, formatPaymentId } from '../../src-shared';
import { openDrawer } from '../../src-main/checkout/cash-drawer';
import { DEFAULT_POLICY, type CheckoutDeps } from '../../src-main/checkout/context';
import { checkoutSale } from '../../src-main/checkout/sale';
import {
  applyConnectionPragmas,
  openStore,
  searchOrders,
  syncStatus,
  type StoreDb,
} from '../../src-main/store';
import { tempDataDir } from '../helpers/host-store';

const newId = createUuidV7Generator({
  now: () => Date.now(),
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
});

function deps(db: StoreDb): CheckoutDeps {
  return {
    db,
    terminal: undefined as never, // cash only: the terminal is never asked
    clock: () => new Date(),
    newId,
    issuer: 1000,
    currency: 'EUR',
    policy: DEFAULT_POLICY,
    emit: () => undefined,
    isOnline: () => false,
    syncNow: () => Promise.resolve(),
  };
}

async function useCaseRate(n: number): Promise<number> {
  const s = openStore(tempDataDir());
  if (!s.ok) throw new Error(s.error.message);
  const d = deps(s.value);
  openDrawer(d, { floatMinor: 0, operatorId: 'bench' });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await checkoutSale(d, {
      entries: [
        { kind: 'free', description: 'Coffee', amountMinor: 350, taxRateBp: 700 },
        { kind: 'free', description: 'Mug', amountMinor: 1250, taxRateBp: 1900 },
      ],
      tenders: [{ method: 'CASH', tenderedMinor: 2000 }],
      operatorId: 'bench',
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  s.value.close();
  return rate;
}

/** The same rows, written by hand with prepared statements, in one transaction each, same pragmas. */
function rawRate(n: number): number {
  const s = openStore(tempDataDir());
  if (!s.ok) throw new Error(s.error.message);
  const db = s.value.sql;
  db.prepare(
    `INSERT INTO cash_sessions (session_id, currency, opened_at, opened_by) VALUES ('s', 'EUR', 'x', 'b')`,
  ).run();
  const order = db.prepare(
    `INSERT INTO orders (order_id, kind, currency, total_minor, tax_minor, customer_id, merchant_reference, operator_id, origin, created_at, business_day) VALUES (?, 'SALE', 'EUR', 1600, 222, NULL, NULL, 'bench', 'LOCAL', ?, '2026-11-26')`,
  );
  const line = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, sku, description, quantity, unit_price_minor, tax_rate_bp, line_total_minor, tax_minor) VALUES (?, ?, NULL, ?, 1, ?, ?, ?, ?)`,
  );
  const payment = db.prepare(
    `INSERT INTO payments (payment_id, order_id, channel, method, collected_here, created_at) VALUES (?, ?, 'IN_STORE', 'CASH', 1, ?)`,
  );
  const op = db.prepare(
    `INSERT INTO operations (operation_id, order_id, payment_id, order_seq, kind, amount_minor, method, channel, body, origin, occurred_at) VALUES (?, ?, ?, 1, 'SALE', 1600, 'CASH', 'IN_STORE', ?, 'LOCAL', ?)`,
  );
  const cash = db.prepare(
    `INSERT INTO cash_movements (movement_id, session_id, direction, reason, amount_minor, order_id, operator_id, at) VALUES (?, 's', 'IN', 'SALE', 1600, ?, 'bench', ?)`,
  );
  const seqRow = db.prepare(
    'INSERT INTO id_sequences (issuer, next) VALUES (1000, ?) ON CONFLICT (issuer) DO UPDATE SET next = excluded.next',
  );
  const outbox = db.prepare(
    `INSERT INTO outbox (message_id, kind, order_id, message, state, attempts, created_at) VALUES (?, ?, ?, ?, 'QUEUED', 0, ?)`,
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const at = new Date().toISOString();
    const orderId = newId();
    const paymentId = formatPaymentId(1000, i);
    const opId = newId();
    db.transaction(() => {
      order.run(orderId, at);
      line.run(orderId, 1, 'Coffee', 350, 700, 350, 23);
      line.run(orderId, 2, 'Mug', 1250, 1900, 1250, 200);
      seqRow.run(i + 1);
      payment.run(paymentId, orderId, at);
      op.run(
        opId,
        orderId,
        paymentId,
        JSON.stringify({
          id: opId,
          paymentId,
          kind: 'SALE',
          amount: { amountMinor: 1600, currency: 'EUR' },
          channel: 'IN_STORE',
          occurredAt: at,
        }),
        at,
      );
      cash.run(newId(), orderId, at);
      outbox.run(
        newId(),
        'ORDER_CREATED',
        orderId,
        JSON.stringify({ kind: 'ORDER_CREATED', orderId, seq: 2 * i + 1, occurredAt: at }),
        at,
      );
      outbox.run(
        newId(),
        'PAYMENT_RECORDED',
        orderId,
        JSON.stringify({ kind: 'PAYMENT_RECORDED', orderId, paymentId, seq: 2 * i + 2, occurredAt: at }),
        at,
      );
    }).immediate();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  s.value.close();
  return rate;
}

/** 100,000 orders with customers, lines, payments and operations, written in bulk. */
function populate(dir: string, orders: number): void {
  const s = openStore(dir);
  if (!s.ok) throw new Error(s.error.message);
  s.value.close();
  const db = new Database(`${dir}/counter.sqlite`);
  applyConnectionPragmas(db);
  db.pragma('synchronous = OFF'); // bulk set-up only; measured connections use FULL
  const customer = db.prepare(
    `INSERT INTO customers (customer_id, name, contact, created_at) VALUES (?, ?, ?, ?)`,
  );
  const order = db.prepare(
    `INSERT INTO orders (order_id, kind, currency, total_minor, tax_minor, customer_id, origin, created_at, business_day) VALUES (?, 'SALE', 'EUR', 1600, 222, ?, 'LOCAL', ?, ?)`,
  );
  const line = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, description, quantity, unit_price_minor, tax_rate_bp, line_total_minor, tax_minor) VALUES (?, 1, 'Item', 1, 1600, 1900, 1600, 255)`,
  );
  const payment = db.prepare(
    `INSERT INTO payments (payment_id, order_id, channel, method, collected_here, created_at) VALUES (?, ?, 'IN_STORE', 'CARD', 1, ?)`,
  );
  const op = db.prepare(
    `INSERT INTO operations (operation_id, order_id, payment_id, order_seq, kind, amount_minor, method, channel, body, origin, occurred_at) VALUES (?, ?, ?, 1, 'SALE', 1600, 'CARD', 'IN_STORE', '{}', 'LOCAL', ?)`,
  );
  const start = Date.parse('2025-01-01T08:00:00Z');
  db.transaction(() => {
    for (let i = 0; i < orders; i++) {
      const at = new Date(start + i * 300_000).toISOString();
      const orderId = newId();
      const customerId = i % 4 === 0 ? newId() : null;
      if (customerId) customer.run(customerId, `Customer ${i}`, `c${i}@example.com`, at);
      order.run(orderId, customerId, at, at.slice(0, 10));
      line.run(orderId);
      const pid = formatPaymentId(1000, i);
      payment.run(pid, orderId, at);
      op.run(newId(), orderId, pid, at);
    }
  })();
  db.close();
}

export default async function hostBench(): Promise<BenchFigure[]> {
  const n = 300;
  const raw = rawRate(n);
  const useCase = await useCaseRate(n);

  const dir = tempDataDir();
  populate(dir, 100_000);
  const t0 = performance.now();
  const opened = openStore(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  syncStatus(opened.value, new Date());
  const startMs = performance.now() - t0;
  const db = opened.value;
  const searches: [string, () => unknown][] = [
    ['customer name', () => searchOrders(db, { customer: 'Customer 5000' })],
    ['payment id', () => searchOrders(db, { paymentId: formatPaymentId(1000, 77_777) })],
    ['business day', () => searchOrders(db, { businessDay: '2025-06-01' })],
    ['order id', () => searchOrders(db, { orderId: 'ffffffff-ffff-7fff-bfff-ffffffffffff' })],
  ];
  let worst = 0;
  for (const [, run] of searches) {
    run();
    const t = performance.now();
    for (let i = 0; i < 20; i++) run();
    worst = Math.max(worst, (performance.now() - t) / 20);
  }
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  db.close();
  return [
    {
      name: 'durable cash checkouts (use case, synchronous=FULL)',
      value: useCase,
      unit: '/s',
      limit: raw,
      limitLabel: 'raw inserts of the same rows, same pragmas; goal ratio ≥ 0.8',
    },
    {
      name: 'host start to ready, 100,000 orders (open + integrity check)',
      value: startMs,
      unit: 'ms',
      limit: 1500,
      limitLabel: 'goal < 1.5 s',
    },
    {
      name: 'order search, 100,000 orders (slowest of 4 kinds)',
      value: worst,
      unit: 'ms',
      limit: 50,
      limitLabel: 'goal < 50 ms',
    },
    {
      name: 'resident memory after start and searches',
      value: rssMb,
      unit: 'MB',
      limit: 512,
      limitLabel: 'a counter PC with 4 GB; nominal budget',
    },
  ];
}
