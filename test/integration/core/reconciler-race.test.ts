/**
 * Reconcilers racing on the same open journal rows record each one exactly once. Rows are left PENDING the
 * way a crash leaves them (the acquirer approved, the core never recorded it): a core whose journal hook
 * throws right after the acquirer's answer, in-process. Then several reconcilers resolve them at once: on
 * PostgreSQL each on its own connection pool (and once as two `npm run core -- reconcile` processes), on PGlite
 * sharing its one connection. The database decides: the row lock and its state, and the operation id.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import type { Db } from '../../../src-core/db/adapter';
import { openPostgres } from '../../../src-core/db/postgres';
import { selectEntry } from '../../../src-core/journal/entry-store';
import { createAcquirerJournal, type AcquirerJournal } from '../../../src-core/journal/journal';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { createLedgerService } from '../../../src-core/ledger/service';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { runCoreCommand } from '../../helpers/core-process';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { quiet } from '../../helpers/quiet-log';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const TRIALS = 3;
const CREATES = 8;
const REFUNDS = 4;
const CAPTURES = 4;

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`reconcilers racing on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let crashing = false;
    const pools: Db[] = [];
    let reconcilers: AcquirerJournal[] = [];
    let base: string;

    beforeAll(async () => {
      core = await startTestCore(kind, {
        journal: {
          // Simulates the process dying right after the acquirer answered: nothing after it runs.
          afterAcquirerAnswer: async () => {
            if (crashing) throw new Error('simulated crash after the acquirer answered (test)');
          },
        },
      });
      base = `/v2/${core.merchantId}`;
      const dbs =
        kind === 'postgres'
          ? [0, 1, 2].map(() => openPostgres({ connectionString: core.t.url!, max: 4 }))
          : [];
      pools.push(...dbs);
      const using = kind === 'postgres' ? dbs : [core.t.db, core.t.db, core.t.db];
      reconcilers = using.map((db) => {
        const ledger = createLedgerService(db, createLedgerContext());
        return createAcquirerJournal(
          { ledger, acquirer: createSandboxAcquirer({ db }), log: quiet },
          { graceMs: 0 },
        );
      });
    });
    afterAll(async () => {
      for (const p of pools) await p.close();
      await core?.close();
    });

    const pay = async (mode: string) => {
      const r = await core.raw('POST', `${base}/payments`, {
        body: {
          order: { amountOfMoney: { amount: 2_000, currencyCode: 'EUR' } },
          cardPaymentMethodSpecificInput: {
            card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' },
            authorizationMode: mode,
          },
        },
      });
      return r;
    };

    /** Open rows left the way a crash leaves them: approved at the acquirer, not in the ledger. */
    async function crashedRows(): Promise<{ id: string; kind: string; payment_id: string }[]> {
      const sales = await Promise.all(Array.from({ length: REFUNDS }, () => pay('SALE')));
      const auths = await Promise.all(Array.from({ length: CAPTURES }, () => pay('PRE_AUTHORIZATION')));
      crashing = true;
      try {
        for (let i = 0; i < CREATES; i++) expect((await pay('SALE')).status).toBe(500);
        for (const s of sales) {
          const id = (s.body as any).payment.id;
          const r = await core.raw('POST', `${base}/payments/${id}/refund`, {
            body: { amountOfMoney: { amount: 2_000, currencyCode: 'EUR' } },
          });
          expect(r.status).toBe(500);
        }
        for (const a of auths) {
          const r = await core.raw('POST', `${base}/payments/${(a.body as any).payment.id}/capture`, {
            body: {},
          });
          expect(r.status).toBe(500);
        }
      } finally {
        crashing = false;
      }
      return core.t.db.query(`SELECT id, kind, payment_id FROM acquirer_journal WHERE state <> 'DONE'`);
    }

    async function expectRecordedOnce(rows: { id: string; kind: string; payment_id: string }[]) {
      const ids = `{${rows.map((r) => r.id).join(',')}}`;
      const states = await core.t.db.query<{ state: string; result: string }>(
        'SELECT state, result FROM acquirer_journal WHERE id = ANY($1::uuid[])',
        [ids],
      );
      expect(states.every((s) => s.state === 'DONE' && s.result === 'APPROVED')).toBe(true);
      // One ledger operation per row, carrying the row's id.
      const ops = await core.t.db.query<{ id: string; kind: string }>(
        'SELECT id, kind FROM operations WHERE id = ANY($1::uuid[])',
        [ids],
      );
      expect(ops).toHaveLength(rows.length);
      const byKind = (k: string) => ops.filter((o) => o.kind === k).length;
      expect([byKind('SALE'), byKind('REFUND'), byKind('CAPTURE')]).toEqual([CREATES, REFUNDS, CAPTURES]);
      // Every payment a crashed create charged exists once, with exactly its one opening operation.
      const created = rows.filter((r) => r.kind === 'AUTHORISE').map((r) => r.payment_id);
      const counts = await core.t.db.query<{ payment_id: string; n: string | number }>(
        `SELECT payment_id, count(*) AS n FROM operations WHERE payment_id = ANY($1::text[])
         GROUP BY payment_id`,
        [`{${created.join(',')}}`],
      );
      expect(counts.map((c) => Number(c.n))).toEqual(created.map(() => 1));
      // Refunds of the sales: one each, never above what was paid.
      const refunded = rows.filter((r) => r.kind === 'REFUND').map((r) => r.payment_id);
      const sums = await core.t.db.query<{ total: string | number }>(
        `SELECT sum(amount_minor) AS total FROM operations WHERE kind = 'REFUND' AND payment_id = ANY($1::text[])
         GROUP BY payment_id`,
        [`{${refunded.join(',')}}`],
      );
      expect(sums.map((s) => Number(s.total))).toEqual(refunded.map(() => 2_000));
      // The acquirer charged each crashed create once.
      const charges = await core.t.db.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM sandbox_acquirer_journal WHERE kind = 'AUTHORISE' AND payment_id = ANY($1::text[])`,
        [`{${created.join(',')}}`],
      );
      expect(Number(charges[0]!.n)).toBe(CREATES);
    }

    it(`three reconcilers at once on the same ${CREATES + REFUNDS + CAPTURES} crashed rows record each once (${TRIALS} trials)`, async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const rows = await crashedRows();
        expect(rows).toHaveLength(CREATES + REFUNDS + CAPTURES);
        const [a, b, c] = reconcilers as [AcquirerJournal, AcquirerJournal, AcquirerJournal];
        // Two walk the due rows oldest first, one newest first, so they meet in the middle.
        const reversed = async () => {
          const due = await c.ledger.db.query<{ id: string }>(
            `SELECT id FROM acquirer_journal WHERE state <> 'DONE' ORDER BY created_at DESC`,
          );
          for (const { id } of due) {
            const entry = await selectEntry(c.ledger.db, id);
            if (entry) await c.reconcile(entry);
          }
        };
        const reports = await Promise.all([a.reconcileDue(), b.reconcileDue(), reversed()]);
        expect(reports[0]?.failed).toBe(0);
        expect(reports[1]?.failed).toBe(0);
        await expectRecordedOnce(rows);
      }
    }, 120_000);

    it.skipIf(kind !== 'postgres')(
      `two \`npm run core -- reconcile\` processes at once record each crashed row once${
        kind === 'postgres' ? '' : ' (skipped: PGlite serves one process per data directory)'
      }`,
      async () => {
        const rows = await crashedRows();
        const dataDir = mkdtempSync(path.join(tmpdir(), 'counter-reconcile-'));
        try {
          const env = {
            DATABASE_URL: core.t.url!,
            COUNTER_DATA_DIR: dataDir,
            COUNTER_MASTER_KEY: randomBytes(32).toString('hex'),
          };
          const runs = await Promise.all([
            runCoreCommand(['reconcile', '--grace-seconds', '0', '--json'], env),
            runCoreCommand(['reconcile', '--grace-seconds', '0', '--json'], env),
          ]);
          for (const r of runs) expect(r.code, r.stderr).toBe(0);
          const reports = runs.map((r) => JSON.parse(r.stdout.trim()) as { checked: number; failed: number });
          expect(reports.every((r) => r.failed === 0)).toBe(true);
          expect(Math.max(...reports.map((r) => r.checked))).toBeGreaterThan(0);
          await expectRecordedOnce(rows);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
      120_000,
    );
  });
}
