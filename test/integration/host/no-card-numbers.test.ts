/**
 * No card number anywhere (issue 9): a counter's whole day against a real core — card sales with every
 * approving test card and a decline, a deposit with the card kept on file, the balance charged online on the
 * same payment id and refunded there, counter refunds to the card through the core, on the terminal and in
 * cash, a void, sync, reconciliation, the Z report, a rescue export, the CLI — then every file it wrote is
 * scanned for Luhn-valid runs of 13–19 digits that are not payment ids: the counter's SQLite database (value by
 * value) and its WAL, the receipts the terminal printed, the host's log (everything it wrote to the console),
 * the core's log, the rescue file (encrypted and decrypted), the Z report and CLI outputs, and a dump of every
 * core table. A finding names the file (table and column for a database) and the offset.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { TEST_CARDS } from '../../../src-shared';
import { openDrawer } from '../../../src-main/checkout/cash-drawer';
import { takeDeposit } from '../../../src-main/checkout/deposit';
import { closeDay } from '../../../src-main/checkout/end-of-day';
import { executeRefund } from '../../../src-main/checkout/refunds';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { voidCardPayment } from '../../../src-main/checkout/void';
import { parseCli, runCommand } from '../../../src-main/host/cli';
import { SETTING } from '../../../src-main/host/compose';
import { decryptRescue, exportRescue } from '../../../src-main/host/rescue';
import type { WiredSync } from '../../../src-main/host/sync-wiring';
import { setSetting } from '../../../src-main/store';
import { createTerminalOrderReader, reconcileWithCore } from '../../../src-main/sync/reconcile';
import { localOrderViews } from '../../../src-main/sync/store-port';
import { TEST_DATABASE_URL } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { connectRigToCore, createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';
import { cardNumbersIn, cardNumbersInText, filesUnder, tempDataDir } from '../../helpers/host-store';

/* eslint-disable @typescript-eslint/no-explicit-any -- SDK bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

let core: TestCore;
let h: HostRig;
let sync: WiredSync;
const hostLog: string[] = [];
const receipts: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  core = await startTestCore(TEST_DATABASE_URL ? 'postgres' : 'pglite');
  h = await createHostRig();
  sync = connectRigToCore(h, { baseUrl: core.url, ...core.terminal });
  setSetting(h.db, SETTING.issuer, core.terminal.issuer);
  restore.push(h.rig.session.onReceiptLine((line) => receipts.push(line)));
  // The host's log: everything it writes to the console while the flows run.
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      hostLog.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
      original.apply(console, args);
    };
    restore.push(() => (console[level] = original));
  }
}, 120_000);
afterAll(async () => {
  for (const r of restore.reverse()) r();
  await sync?.daemon.stop();
  await h?.close();
  await core?.close();
});

describe('no card number anywhere', () => {
  it('the scanner finds a card number in a log, a receipt and a database value, naming file and offset', () => {
    const dir = tempDataDir();
    const pan = TEST_CARDS[0]!.pan;
    fs.writeFileSync(path.join(dir, 'host.log'), `{"time":${Date.now()},"msg":"card ${pan} approved"}\n`);
    const db = new Database(path.join(dir, 'leaky.sqlite'));
    db.exec(`CREATE TABLE t (note TEXT); INSERT INTO t VALUES ('x'), ('PAN=${pan};')`);
    db.close();
    const found = cardNumbersIn(filesUnder(dir)).sort();
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(`^host\\.log @ \\d+: ${pan.slice(0, 6)}…${pan.slice(-4)} \\(16 digits\\)$`),
      ),
      `leaky.sqlite t.note rowid 2 @ 4: ${pan.slice(0, 6)}…${pan.slice(-4)} (16 digits)`,
    ]);
    // The full number is never repeated in a finding; log timestamps and payment ids are not findings.
    expect(found.join('\n')).not.toContain(pan);
    expect(
      cardNumbersInText(
        `"time":${Date.now()} paymentId 1000001000000000024 "responseTime":217.74495200000092`,
        'log',
      ),
    ).toEqual([]);
    // …but a card number after a decimal point that follows no digit still is.
    expect(cardNumbersInText(`card .${pan}`, 'log')).toHaveLength(1);
  });

  it('after a whole day of host, sync and omnichannel flows, no file holds one', async () => {
    const M = core.merchantId;
    const sale = async (amountMinor: number, card: string) => {
      h.rig.vt.presentCard(card);
      const r = await checkoutSale(h.deps, {
        entries: [{ kind: 'free', description: `Item ${card}`, amountMinor, taxRateBp: 1900 }],
        tenders: [{ method: 'CARD' }],
        operatorId: 'cashier',
      });
      if (!r.ok) throw new Error(r.error.message);
      return { orderId: String(r.value.orderId), paymentId: r.value.tenders[0]?.paymentId ?? null };
    };
    const approving = ['visa-approve', 'mastercard-pin', 'girocard-pin', 'amex-approve'];
    const sold = [];
    for (const [i, card] of approving.entries()) sold.push(await sale(2_000 + i * 100, card));
    expect(sold.every((s) => s.paymentId !== null)).toBe(true);
    const declined = await sale(1_500, 'visa-declined');
    expect(declined.paymentId).toBeNull();

    // A deposit with the card kept on file; the balance charged online on the same id, then refunded online.
    h.rig.vt.presentCard('mastercard-pin');
    const deposit = await takeDeposit(h.deps, {
      customer: { name: 'Dana Deposit', contact: 'dana@example.com' },
      totalMinor: 10_000,
      deposit: { amountMinor: 3_000 },
      tender: { method: 'CARD' },
      storeCard: true,
      operatorId: 'cashier',
    });
    if (!deposit.ok) throw new Error(deposit.error.message);
    const depositId = deposit.value.tenders[0]!.paymentId!;
    expect(await sync.daemon.syncNow()).toMatchObject({ error: null });
    const rest = body(
      await core.sdk.payments.subsequentPayment(M, depositId, {
        order: { amountOfMoney: { amount: 7_000, currencyCode: 'EUR' } },
      }),
    );
    body(
      await core.sdk.payments.refundPayment(M, rest.payment.id as string, {
        amountOfMoney: { amount: 1_000, currencyCode: 'EUR' },
      }),
    );

    // Counter refunds: to the card through the core, on the terminal under a reservation, in cash; a void.
    const refund = async (
      paymentId: string,
      amountMinor: number,
      method: 'CORE_CARD' | 'TERMINAL_CARD' | 'CASH',
    ) => {
      const r = await executeRefund(
        h.deps,
        { paymentId, amountMinor, method, reason: 'customer returned it', operatorId: 'manager' },
        { manager: MANAGER },
      );
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.state).toBe('DONE');
    };
    await refund(sold[0]!.paymentId!, 500, 'CORE_CARD');
    h.rig.vt.presentCard('mastercard-pin');
    await refund(sold[1]!.paymentId!, 600, 'TERMINAL_CARD');
    expect(openDrawer(h.deps, { floatMinor: 5_000, operatorId: 'cashier' }).ok).toBe(true);
    const cash = await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'Bulb', amountMinor: 900, taxRateBp: 700 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'cashier',
    });
    if (!cash.ok) throw new Error(cash.error.message);
    await refund(cash.value.tenders[0]!.paymentId!, 400, 'CASH');
    const voided = await voidCardPayment(h.deps, {
      paymentId: sold[3]!.paymentId!,
      operatorId: 'manager',
      manager: MANAGER,
    });
    expect(voided.ok).toBe(true);

    expect(await sync.daemon.syncNow()).toMatchObject({ error: null, rejected: 0 });
    const orderIds = [
      ...sold.map((s) => s.orderId),
      String(deposit.value.orderId),
      String(cash.value.orderId),
    ];
    const reconciled = await reconcileWithCore({
      daemon: sync.daemon,
      localOrders: () => localOrderViews(h.db, orderIds),
      core: createTerminalOrderReader(sync.client),
    });
    expect(reconciled).toMatchObject({ ok: true, value: { differences: [] } });

    // The day's end, a sale left offline, the rescue file, the CLI.
    const z = await closeDay(h.deps, { operatorId: 'manager' });
    if (!z.ok) throw new Error(z.error.message);
    fs.writeFileSync(path.join(h.dir, 'z-report.json'), JSON.stringify(z.value, null, 2));
    await sale(1_100, 'girocard-pin');
    const exported = exportRescue(h.db, 'a long rescue passphrase', new Date());
    if (!exported.ok) throw new Error(exported.error.message);
    fs.writeFileSync(path.join(h.dir, 'rescue.counter'), exported.value.file);
    const plain = decryptRescue(exported.value.file, 'a long rescue passphrase');
    expect(plain.ok).toBe(true);
    fs.writeFileSync(
      path.join(h.dir, 'rescue-decrypted.json'),
      JSON.stringify(plain.ok ? plain.value : null),
    );
    for (const argv of [['status', '--json'], ['z-report'], ['z-report', '--preview']]) {
      const { command, flags } = parseCli(argv);
      fs.writeFileSync(
        path.join(h.dir, `cli-${argv.join('')}.json`),
        JSON.stringify(runCommand(command, flags, h.dir)),
      );
    }

    // What the logs and printers got, and every core table as text.
    fs.writeFileSync(path.join(h.dir, 'receipts.txt'), receipts.join('\n'));
    fs.writeFileSync(path.join(h.dir, 'host.log'), hostLog.join('\n'));
    fs.writeFileSync(path.join(h.dir, 'core.log'), core.logs.join(''));
    const tables = await core.t.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { name } of tables) {
      for (const row of await core.t.db.query<{ t: string }>(`SELECT t::text AS t FROM "${name}" t`))
        dump.push(`${name} ${row.t}`);
    }
    fs.writeFileSync(path.join(h.dir, 'core-tables.txt'), dump.join('\n'));

    const files = filesUnder(h.dir);
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['counter.sqlite', 'receipts.txt', 'host.log', 'core.log', 'rescue.counter']),
    );
    // The scan looked at something real: receipts were printed, the core logged every request.
    expect(receipts.length).toBeGreaterThan(10);
    expect(core.logs.length).toBeGreaterThan(20);
    expect(dump.some((l) => l.startsWith('payments '))).toBe(true);
    const found = cardNumbersIn(files);
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    console.info(
      `no-card scan: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB (${files.map((f) => path.basename(f)).join(', ')}), ${found.length} found`,
    );
    expect(found, `card numbers found:\n${found.join('\n')}`).toEqual([]);
  });
});
