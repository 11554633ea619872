/**
 * Crash test (issue 9): a host child process is SIGKILLed at random points during card checkouts, then
 * restarted on the same data directory and the same virtual terminal (over a real pty). At the end: every
 * sale the host acknowledged is in the database, no checkout was charged twice (compared with the virtual
 * terminal's journal), every terminal booking is recorded exactly once, and SQLite's integrity check is ok.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, setSetting, unresolvedAttempt } from '../../../src-main/store';
import { SETTING } from '../../../src-main/host/compose';
import { startPtyPair } from '../../../src-main/zvt/virtual-terminal/pty';
import { openSerialStream } from '../../../src-main/zvt/transport/serial';
import { VirtualTerminal } from '../../../src-main/zvt/virtual-terminal/terminal';
import { testCardNumbersIn, tempDataDir } from '../../helpers/host-store';

// Issue 9: at least 200 kills in CI (HOST_CRASH_ITERATIONS=1000 for the long run).
const ITERATIONS = Number(process.env.HOST_CRASH_ITERATIONS ?? 200);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const BUNDLE = path.join(ROOT, 'node_modules/.cache/counter-host/crash-child.mjs');

beforeAll(() => {
  // Bundled once so each restart costs a plain `node` start, not a TypeScript compile.
  buildSync({
    entryPoints: [path.join(import.meta.dirname, 'crash-child.ts')],
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
});
afterAll(() => fs.rmSync(BUNDLE, { force: true }));

interface Run {
  lines: string[];
  code: number | null;
}

async function runChild(
  dataDir: string,
  ptyPath: string,
  mode: string,
  seed: number,
  killAfterMs: number | null,
): Promise<Run> {
  const child = spawn(process.execPath, [BUNDLE, dataDir, ptyPath, mode, String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  if (killAfterMs !== null) {
    // Count from READY so every kill lands during checkouts, not during start-up.
    const waitReady = setInterval(() => {
      if (out.includes('READY')) {
        clearInterval(waitReady);
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    }, 5);
    child.once('exit', () => clearInterval(waitReady));
  }
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const lines = out.split('\n').filter(Boolean);
  if (lines.some((l) => l.startsWith('CRASH') || l.startsWith('ERR')))
    throw new Error(`child failed:\n${out}\n${err}`);
  return { lines, code };
}

describe('host crash test', () => {
  it(
    `loses no acknowledged sale and charges no checkout twice across ${ITERATIONS} SIGKILLs`,
    async () => {
      const dataDir = tempDataDir();
      const enroll = openStore(dataDir);
      if (!enroll.ok) throw new Error(enroll.error.message);
      setSetting(enroll.value, SETTING.issuer, 4242);
      setSetting(enroll.value, SETTING.currency, 'EUR');
      enroll.value.close();

      const vt = new VirtualTerminal({ timers: { answerTimeoutMs: 400 } });
      const acked = new Map<string, { paymentId: string; amount: number }>();
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const started = Date.now();
      for (let i = 0; i <= ITERATIONS; i++) {
        // A fresh cable each time: the killed process's end of the pty goes away with it.
        const pty = await startPtyPair();
        const pt = await openSerialStream({ path: pty.ptPath });
        if (!pt.ok) throw new Error(pt.error.message);
        const serving = vt.serveSerial(pt.value, { t1Ms: 200, t2Ms: 400, maxRepeats: 2 });
        const last = i === ITERATIONS;
        const run = await runChild(
          dataDir,
          pty.ecrPath,
          last ? 'recover-only' : 'sell',
          i + 1,
          last ? null : Math.floor(random() * 600),
        );
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
        expect(sql.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(unresolvedAttempt(db.value)).toBeNull();
        // 0 acknowledged sales lost.
        const paid = sql.prepare(
          `SELECT p.payment_id, o.amount_minor FROM payments p JOIN operations o ON o.payment_id = p.payment_id AND o.kind = 'SALE'
         WHERE p.order_id = ?`,
        );
        for (const [orderId, a] of acked) {
          expect(paid.all(orderId), `acknowledged order ${orderId}`).toEqual([
            { payment_id: a.paymentId, amount_minor: a.amount },
          ]);
        }
        // Every booking on the terminal is recorded exactly once, and no order collected more than its total.
        const booked = vt.journal.filter((e) => e.kind === 'payment' && e.status === 'booked');
        const recorded = sql
          .prepare(`SELECT terminal_reference AS ref, order_id FROM payments WHERE method = 'CARD'`)
          .all() as { ref: string; order_id: string }[];
        expect(recorded.map((r) => Number(r.ref)).sort((a, b) => a - b)).toEqual(
          booked.map((e) => e.receipt).sort((a, b) => a - b),
        );
        const perOrder = sql
          .prepare(
            `SELECT o.order_id, o.total_minor, COUNT(p.payment_id) AS charges, SUM(op.amount_minor) AS collected
           FROM orders o JOIN payments p ON p.order_id = o.order_id JOIN operations op ON op.payment_id = p.payment_id AND op.kind = 'SALE'
           GROUP BY o.order_id`,
          )
          .all() as { order_id: string; total_minor: number; charges: number; collected: number }[];
        const twice = perOrder.filter((o) => o.charges > 1 || o.collected > o.total_minor);
        expect(twice).toEqual([]);
        console.log(
          `crash test: ${ITERATIONS} kills in ${seconds.toFixed(1)} s, ${acked.size} acknowledged sales, ${booked.length} terminal bookings, ${perOrder.length} paid orders, 0 double charges`,
        );
        expect(booked.length).toBeGreaterThan(0);
        // No full card number anywhere in the database or its WAL (the terminal reports masked PANs only).
        expect(
          testCardNumbersIn([path.join(dataDir, 'counter.sqlite'), path.join(dataDir, 'counter.sqlite-wal')]),
        ).toEqual([]);
      } finally {
        db.value.close();
      }
    },
    Math.max(240_000, ITERATIONS * 3_000),
  );
});
