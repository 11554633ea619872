/**
 * The crash test's harness (issue 9), shared by `test/integration/host/crash.test.ts` (200 + 30 kills in CI)
 * and `npm run bench -- crash` (1,000 kills): a host child process (`test/integration/host/crash-child.ts`,
 * bundled once with esbuild so a restart is a plain `node` start) is SIGKILLed at random points during card
 * checkouts over a real pty, or while its sync daemon pushes and pulls against a real core, then restarted on
 * the same data directory. Each run answers what it found (what was lost, charged twice, applied more than
 * once, the integrity check, card numbers); the test asserts it, the bench prints it beside its limit.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { enrollTerminal } from '../../src-core/accounts/accounts';
import type { CheckoutDeps } from '../../src-main/checkout/context';
import { enrollStaff } from '../../src-main/checkout/staff';
import { openStore, setSetting, syncStatus, unresolvedAttempt } from '../../src-main/store';
import { SETTING } from '../../src-main/host/compose';
import { SYNC_SETTING, TERMINAL_SECRET_ENV } from '../../src-main/host/sync-wiring';
import { startPtyPair } from '../../src-main/zvt/virtual-terminal/pty';
import { openSerialStream } from '../../src-main/zvt/transport/serial';
import { VirtualTerminal } from '../../src-main/zvt/virtual-terminal/terminal';
import { TEST_DATABASE_URL } from './core-db';
import { startTestCore } from './core-server';
import { cardNumbersIn, filesUnder, testCardNumbersIn, tempDataDir } from './host-store';
import { eurMoney, testTerminal } from './terminal-sync';

const ROOT = path.resolve(import.meta.dirname, '../..');
// One bundle per process, so a test and a bench running at once never delete each other's child.
const BUNDLE = path.join(ROOT, `node_modules/.cache/counter-host/crash-child-${process.pid}.mjs`);

/** Bundles the child once, so each restart costs a plain `node` start, not a TypeScript compile. */
export function bundleCrashChild(): void {
  buildSync({
    entryPoints: [path.join(ROOT, 'test/integration/host/crash-child.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'serialport', '@serialport/*'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
}

export function removeCrashChild(): void {
  fs.rmSync(BUNDLE, { force: true });
}

interface Run {
  lines: string[];
  code: number | null;
  /** From the spawn to the child's READY line (null when it never said it). */
  readyMs: number | null;
}

/**
 * When to kill: a time after READY, or a delay after the child announced a line starting with `marker`
 * (e.g. `> push`: a push request is on its way) — with a time-out after READY in case none comes.
 */
type Kill = number | { marker: string; delayMs: number; fallbackMs: number } | null;

async function runChild(
  dataDir: string,
  ptyPath: string,
  mode: string,
  seed: number,
  kill: Kill,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Run> {
  const child = spawn(process.execPath, [BUNDLE, dataDir, ptyPath, mode, String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  let err = '';
  let timer: NodeJS.Timeout | undefined;
  const spawnedAt = Date.now();
  let readyMs: number | null = null;
  const killIn = (ms: number) => {
    if (timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), ms);
  };
  child.stdout.on('data', (d: Buffer) => {
    const before = out.length;
    out += d.toString();
    if (kill === null) return;
    // Count from READY so every kill lands during the work, not during start-up.
    if (readyMs === null && out.includes('READY')) {
      readyMs = Date.now() - spawnedAt;
      if (typeof kill === 'number') killIn(kill);
      else setTimeout(() => killIn(0), kill.fallbackMs);
    }
    const marker = typeof kill === 'object' ? `\n${kill.marker}` : '';
    if (readyMs !== null && marker && out.indexOf(marker, Math.max(0, before - marker.length)) !== -1) {
      killIn((kill as { delayMs: number }).delayMs);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const lines = out.split('\n').filter(Boolean);
  if (lines.some((l) => l.startsWith('CRASH') || l.startsWith('ERR')))
    throw new Error(`child failed:\n${out}\n${err}`);
  return { lines, code, readyMs };
}

const lcg = (start: number) => {
  let seed = start;
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
};

export interface CheckoutCrashResult {
  kills: number;
  seconds: number;
  /** Average time from spawn to READY over the restarts (recovery of the killed one's attempt included). */
  startMs: number;
  integrity: string;
  /** The card attempt still in doubt after the last restart (null: none). */
  unresolved: unknown;
  acknowledged: number;
  /** Acknowledged sales not found in the database as acknowledged (one payment, one SALE of its amount). */
  lost: { orderId: string; acknowledged: { paymentId: string; amount: number }; found: unknown[] }[];
  /** The virtual terminal's bookings and the card payments recorded, by receipt number (sorted). */
  booked: number[];
  recorded: number[];
  paidOrders: number;
  /** Orders with more than one charge or more collected than their total. */
  chargedTwice: unknown[];
  /** Test cards' numbers in the database or WAL, and Luhn-valid runs in any file the hosts wrote. */
  cardNumbers: string[];
}

/** Kills the card-selling host `kills` times at random moments, restarts it once more to recover, checks. */
export async function runCheckoutCrash(kills: number): Promise<CheckoutCrashResult> {
  const dataDir = tempDataDir();
  const enroll = openStore(dataDir);
  if (!enroll.ok) throw new Error(enroll.error.message);
  setSetting(enroll.value, SETTING.issuer, 4242);
  setSetting(enroll.value, SETTING.currency, 'EUR');
  enroll.value.close();

  const vt = new VirtualTerminal({ timers: { answerTimeoutMs: 400 } });
  const acked = new Map<string, { paymentId: string; amount: number }>();
  const hostLog: string[] = [];
  const random = lcg(7);
  let startMs = 0;
  const started = Date.now();
  for (let i = 0; i <= kills; i++) {
    // A fresh cable each time: the killed process's end of the pty goes away with it.
    const pty = await startPtyPair();
    const pt = await openSerialStream({ path: pty.ptPath });
    if (!pt.ok) throw new Error(pt.error.message);
    const serving = vt.serveSerial(pt.value, { t1Ms: 200, t2Ms: 400, maxRepeats: 2 });
    const last = i === kills;
    const run = await runChild(
      dataDir,
      pty.ecrPath,
      last ? 'recover-only' : 'sell',
      i + 1,
      last ? null : Math.floor(random() * 600),
    );
    startMs += run.readyMs ?? 0;
    hostLog.push(...run.lines);
    for (const l of run.lines.filter((x) => x.startsWith('ACK '))) {
      const [, orderId = '', paymentId = '', amount = '0'] = l.split(' ');
      acked.set(orderId, { paymentId, amount: Number(amount) });
    }
    await pt.value.close();
    await pty.stop();
    await Promise.race([serving, new Promise((r) => setTimeout(r, 500))]);
  }
  const seconds = (Date.now() - started) / 1000;

  const db = openStore(dataDir);
  if (!db.ok) throw new Error(db.error.message);
  const sql = db.value.sql;
  try {
    const integrity = String(sql.pragma('integrity_check', { simple: true }));
    const unresolved = unresolvedAttempt(db.value);
    const paid = sql.prepare(
      `SELECT p.payment_id, o.amount_minor FROM payments p JOIN operations o ON o.payment_id = p.payment_id AND o.kind = 'SALE'
        WHERE p.order_id = ?`,
    );
    const lost: CheckoutCrashResult['lost'] = [];
    for (const [orderId, a] of acked) {
      const found = paid.all(orderId) as { payment_id: string; amount_minor: number }[];
      if (found.length !== 1 || found[0]!.payment_id !== a.paymentId || found[0]!.amount_minor !== a.amount)
        lost.push({ orderId, acknowledged: a, found });
    }
    // Every booking on the terminal is recorded exactly once, and no order collected more than its total.
    const booked = vt.journal
      .filter((e) => e.kind === 'payment' && e.status === 'booked')
      .map((e) => (e as { receipt: number }).receipt)
      .sort((a, b) => a - b);
    const recorded = (
      sql.prepare(`SELECT terminal_reference AS ref FROM payments WHERE method = 'CARD'`).all() as {
        ref: string;
      }[]
    )
      .map((r) => Number(r.ref))
      .sort((a, b) => a - b);
    const perOrder = sql
      .prepare(
        `SELECT o.order_id, o.total_minor, COUNT(p.payment_id) AS charges, SUM(op.amount_minor) AS collected
           FROM orders o JOIN payments p ON p.order_id = o.order_id JOIN operations op ON op.payment_id = p.payment_id AND op.kind = 'SALE'
          GROUP BY o.order_id`,
      )
      .all() as { order_id: string; total_minor: number; charges: number; collected: number }[];
    const chargedTwice = perOrder.filter((o) => o.charges > 1 || o.collected > o.total_minor);
    // No full card number anywhere in the database or its WAL (the terminal reports masked PANs only), nor a
    // Luhn-valid 13-19 digit run in any value of the database or in what the hosts wrote.
    fs.writeFileSync(path.join(dataDir, 'host.log'), hostLog.join('\n'));
    const cardNumbers = [
      ...testCardNumbersIn([path.join(dataDir, 'counter.sqlite'), path.join(dataDir, 'counter.sqlite-wal')]),
      ...cardNumbersIn(filesUnder(dataDir)),
    ];
    return {
      kills,
      seconds,
      startMs: startMs / (kills + 1),
      integrity,
      unresolved,
      acknowledged: acked.size,
      lost,
      booked,
      recorded,
      paidOrders: perOrder.length,
      chargedTwice,
      cardNumbers,
    };
  } finally {
    db.value.close();
  }
}

export interface SyncCrashResult {
  kind: string;
  kills: number;
  seconds: number;
  startMs: number;
  interrupted: { push: number; pushAnswered: number; pull: number; other: number };
  /** The drain run's last line (`DRAINED …` when the queue emptied). */
  drained: string | undefined;
  integrity: string;
  outboxStates: { state: string; n: number }[];
  status: { queued: number; openExceptions: number };
  /** The outbox's message ids and the core's sync_messages of this terminal (both sorted). */
  queued: string[];
  applied: string[];
  notAccepted: unknown[];
  acknowledgedSales: number;
  lostSales: { orderId: string; acknowledged: unknown; inCore: unknown }[];
  /** Orders the core holds more than one SALE for. */
  duplicatedSales: unknown[];
  acknowledgedRefunds: number;
  lostRefunds: string[];
  duplicatedRefunds: number;
  /** The counter's operations and the core's of the whole store (sorted ids): equal when each was once. */
  counterOps: string[];
  coreOps: string[];
  pulled: number;
  otherChannelOps: number;
  duplicatesAnswered: number;
  cardNumbers: string[];
}

/**
 * Kills the cash-selling, syncing host up to `kills` times (a quarter at a random moment, the rest aimed at a
 * push in flight, a push answered, a pull), while another counter and the web shop change the store's orders;
 * stops killing after `budgetMs` (0: no limit) once `minKills` are done; then drains and compares with the
 * core. Runs on PostgreSQL when TEST_DATABASE_URL is set, else PGlite.
 */
export async function runSyncCrash(options: {
  kills: number;
  budgetMs: number;
  minKills: number;
}): Promise<SyncCrashResult> {
  const core = await startTestCore(TEST_DATABASE_URL ? 'postgres' : 'pglite');
  let stopOthers = false;
  try {
    const dataDir = tempDataDir();
    const enroll = openStore(dataDir);
    if (!enroll.ok) throw new Error(enroll.error.message);
    setSetting(enroll.value, SETTING.issuer, core.terminal.issuer);
    setSetting(enroll.value, SETTING.currency, 'EUR');
    setSetting(enroll.value, SYNC_SETTING.coreUrl, core.url);
    setSetting(enroll.value, SYNC_SETTING.keyId, core.terminal.keyId);
    const staff = enrollStaff({ db: enroll.value, clock: () => new Date() } as unknown as CheckoutDeps, {
      staffId: 'manager',
      name: 'Max Manager',
      role: 'MANAGER',
      pin: '9999',
    });
    if (!staff.ok) throw new Error(staff.error.message);
    enroll.value.close();
    const env = { ...process.env, [TERMINAL_SECRET_ENV]: core.terminal.secret };

    // Meanwhile other channels change the store's orders, so every pull has something to apply: another
    // counter sells by card and refunds, the web shop refunds 0.01 of some of this counter's sales.
    const other = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
      merchantId: core.merchantId,
      store: core.storeId,
    });
    if (!other.ok) throw new Error(other.error.message);
    const otherTerm = testTerminal(core.url, other.value);
    const acked = new Map<string, { paymentId: string; amount: number }>();
    const ackedRefunds: { orderId: string; paymentId: string; amount: number }[] = [];
    const refundedOnline = new Set<string>();
    let otherOps = 0;
    let onlineRefunds = 0;
    const others = (async () => {
      const sales: { paymentId: string; refunded: boolean }[] = [];
      for (let n = 0; !stopOthers; n++) {
        const s = await otherTerm.sale({ total: 2_000 + n, paid: 2_000 + n });
        sales.push({ paymentId: s.paymentId, refunded: false });
        otherOps++;
        const open = sales.find((x) => !x.refunded);
        if (n % 3 === 2 && open) {
          const claim = otherTerm.messages.onPayment('REFUND', open.paymentId, {
            amount: eurMoney(100 + n),
            method: 'CARD',
          });
          const r = await otherTerm.push([claim]);
          if (r.results[0]?.status !== 'accepted') throw new Error(`other counter's refund: ${r.text}`);
          open.refunded = true;
          otherOps++;
        }
        // The web shop refunds 0.01 of one of this counter's sales, once per order.
        const target = [...acked.entries()].find(([orderId]) => !refundedOnline.has(orderId));
        if (n % 2 === 1 && target) {
          const [orderId, sale] = target;
          refundedOnline.add(orderId);
          const r = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
            body: { amountOfMoney: { amount: 1, currencyCode: 'EUR' } },
          });
          // Not yet in the core (still queued at the counter): try another order later.
          // Locked while this counter's refund claim of the order is being applied: later.
          if (r.status === 201) onlineRefunds++;
          else if (r.status === 404 || (r.status === 409 && r.text.includes('"retriable":true')))
            refundedOnline.delete(orderId);
          else throw new Error(`online refund: ${r.status} ${r.text}`);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    const random = lcg(11);
    const hostLog: string[] = [];
    const interrupted = { push: 0, pushAnswered: 0, pull: 0, other: 0 };
    let duplicatesAnswered = 0;
    let startMs = 0;
    const started = Date.now();
    let kills = 0;
    const overBudget = () => options.budgetMs > 0 && Date.now() - started > options.budgetMs;
    for (let i = 0; i < options.kills && (i < options.minKills || !overBudget()); i++, kills++) {
      // A quarter at any moment; the rest aimed at sync: a push on its way, a push answered (the core
      // applied it; the counter may not have recorded that yet), a pull on its way or being applied.
      const aim = [
        null,
        { marker: '> push', delayMs: Math.floor(random() * 15) },
        { marker: '< push', delayMs: Math.floor(random() * 4) },
        { marker: '> pull', delayMs: Math.floor(random() * 15) },
      ][i % 4];
      const kill: Kill = aim ? { ...aim, fallbackMs: 1_500 } : Math.floor(random() * 500);
      const run = await runChild(dataDir, '-', 'sync-sell', i + 1, kill, env);
      hostLog.push(...run.lines);
      startMs += run.readyMs ?? 0;
      for (const l of run.lines) {
        const [tag, a = '', b = '', c = '0'] = l.split(' ');
        if (tag === 'ACK') acked.set(a, { paymentId: b, amount: Number(c) });
        if (tag === 'ACKR') ackedRefunds.push({ orderId: a, paymentId: b, amount: Number(c) });
        if (tag === '<' && a === 'push') duplicatesAnswered += Number(b);
      }
      const last = run.lines
        .filter((l) => l.startsWith('>') || l.startsWith('<') || l.startsWith('ACK'))
        .at(-1);
      if (last === '> push') interrupted.push++;
      else if (last?.startsWith('< push')) interrupted.pushAnswered++;
      else if (last === '> pull' || last?.startsWith('< pull')) interrupted.pull++;
      else interrupted.other++;
    }
    stopOthers = true;
    await others;
    const drain = await runChild(dataDir, '-', 'sync-drain', 0, null, env);
    const seconds = (Date.now() - started) / 1000;

    const db = openStore(dataDir);
    if (!db.ok) throw new Error(db.error.message);
    const sql = db.value.sql;
    try {
      const integrity = String(sql.pragma('integrity_check', { simple: true }));
      const outboxStates = sql.prepare(`SELECT state, COUNT(*) AS n FROM outbox GROUP BY state`).all() as {
        state: string;
        n: number;
      }[];
      const { queued: q, openExceptions } = syncStatus(db.value, new Date());
      // Every message this counter queued was applied by the core exactly once, under its own id.
      const queued = (sql.prepare(`SELECT message_id FROM outbox`).all() as { message_id: string }[])
        .map((r) => r.message_id)
        .sort();
      const appliedRows = (
        await core.t.db.query<{ message_id: string; result: string }>(
          `SELECT message_id::text AS message_id, result FROM sync_messages WHERE terminal_id = $1`,
          [core.terminal.terminalId],
        )
      ).sort((x, y) => x.message_id.localeCompare(y.message_id));

      // Every acknowledged sale is in the core once: one order, one payment, one SALE of its amount.
      const coreSales = await core.t.db.query<{ order_id: string; payment_id: string; amount: string }>(
        `SELECT o.order_id::text AS order_id, o.payment_id, o.amount_minor::text AS amount
           FROM operations o WHERE o.terminal_id = $1 AND o.kind = 'SALE'`,
        [core.terminal.terminalId],
      );
      const byOrder = new Map<string, { payment_id: string; amount: number }[]>();
      for (const r of coreSales) {
        byOrder.set(r.order_id, [
          ...(byOrder.get(r.order_id) ?? []),
          { payment_id: r.payment_id, amount: Number(r.amount) },
        ]);
      }
      const lostSales: SyncCrashResult['lostSales'] = [];
      for (const [orderId, a] of acked) {
        const inCore = byOrder.get(orderId);
        if (inCore?.length !== 1 || inCore[0]!.payment_id !== a.paymentId || inCore[0]!.amount !== a.amount)
          lostSales.push({ orderId, acknowledged: a, inCore });
      }
      // Every acknowledged cash refund is in the core (a refund per order here, so by payment and amount).
      const coreRefunds = await core.t.db.query<{ payment_id: string; amount: string }>(
        `SELECT payment_id, amount_minor::text AS amount FROM operations
          WHERE terminal_id = $1 AND kind = 'REFUND'`,
        [core.terminal.terminalId],
      );
      const refundKeys = coreRefunds.map((r) => `${r.payment_id}:${r.amount}`);
      const lostRefunds = ackedRefunds
        .map((r) => `${r.paymentId}:${r.amount}`)
        .filter((k) => !refundKeys.includes(k));

      // The counter's ledger mirrors the core's for the whole store: its own operations pushed, every
      // other channel's pulled, each exactly once.
      const coreOps = (
        await core.t.db.query<{ id: string }>(`SELECT id::text AS id FROM operations WHERE store_id = $1`, [
          core.storeId,
        ])
      )
        .map((r) => r.id)
        .sort();
      const counterOps = (
        sql.prepare(`SELECT operation_id FROM operations`).all() as { operation_id: string }[]
      )
        .map((r) => r.operation_id)
        .sort();
      const pulled = sql.prepare(`SELECT COUNT(*) AS n FROM operations WHERE origin = 'SYNC'`).get() as {
        n: number;
      };
      // No card number in the counter's database, the hosts' output or the core's log.
      fs.writeFileSync(path.join(dataDir, 'host.log'), [...hostLog, ...drain.lines].join('\n'));
      fs.writeFileSync(path.join(dataDir, 'core.log'), core.logs.join(''));
      return {
        kind: core.t.kind,
        kills,
        seconds,
        startMs: kills > 0 ? startMs / kills : 0,
        interrupted,
        drained: drain.lines.at(-1),
        integrity,
        outboxStates,
        status: { queued: q, openExceptions },
        queued,
        applied: appliedRows.map((r) => r.message_id),
        notAccepted: appliedRows.filter((r) => r.result !== 'accepted'),
        acknowledgedSales: acked.size,
        lostSales,
        duplicatedSales: [...byOrder.entries()].filter(([, v]) => v.length > 1),
        acknowledgedRefunds: ackedRefunds.length,
        lostRefunds,
        duplicatedRefunds: refundKeys.length - new Set(refundKeys).size,
        counterOps,
        coreOps,
        pulled: pulled.n,
        otherChannelOps: otherOps + onlineRefunds,
        duplicatesAnswered,
        cardNumbers: cardNumbersIn(filesUnder(dataDir)),
      };
    } finally {
      db.value.close();
    }
  } finally {
    stopOthers = true;
    await core.close();
  }
}
