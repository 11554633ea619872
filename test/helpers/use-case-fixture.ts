/**
 * The payments use cases (src-core/payments/) on a real database with the real sandbox acquirer, called
 * without HTTP, the way every adapter calls them: a merchant with a store and an enrolled terminal, and card
 * sales taken at that terminal, recorded as its sync push records them. `wrapAcquirer` may count what the
 * sandbox is asked (the test's name says when a wrapper does more).
 */
import { formatPaymentId, money, type PaymentId, type Uuid } from '../../src-shared';
import type { Acquirer } from '../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../src-core/acquirer/sandbox';
import { createAcquirerJournal, type AcquirerJournal } from '../../src-core/journal/journal';
import { createLedgerContext, type LedgerContext } from '../../src-core/ledger/context';
import { createLedgerService, type LedgerService } from '../../src-core/ledger/service';
import { openTestDatabase, type TestDatabase } from './core-db';
import { ledgerWrites } from './ledger-writes';
import { quiet } from './quiet-log';

export interface UseCaseFixture {
  t: TestDatabase;
  ctx: LedgerContext;
  ledger: LedgerService;
  journal: AcquirerJournal;
  merchantId: string;
  terminalId: Uuid;
  /** The terminal's issuer number: the first digits of the payment ids it mints. */
  issuer: number;
  /** A card sale of `amount` (on an order of `total`, default the amount) taken at the terminal. */
  counterSale(amount: number, total?: number): Promise<PaymentId>;
  /** A card sale of `amount` taken at the terminal on an order that exists (a later payment of it). */
  counterPaymentOn(orderId: Uuid, amount: number): Promise<PaymentId>;
}

export async function openUseCaseFixture(
  kind: 'pglite' | 'postgres',
  shop: { merchantId: string; name: string; cardRef: string },
  wrapAcquirer: (sandbox: Acquirer) => Acquirer = (a) => a,
): Promise<UseCaseFixture> {
  const { merchantId } = shop;
  const t = await openTestDatabase(kind, 10);
  const ctx = createLedgerContext();
  const ledger = createLedgerService(t.db, ctx);
  const journal = createAcquirerJournal({
    ledger,
    acquirer: wrapAcquirer(createSandboxAcquirer({ db: t.db })),
    log: quiet,
  });
  await t.db.query(`INSERT INTO merchants (id, name) VALUES ($1, $2)`, [merchantId, shop.name]);
  const storeId = ctx.newId();
  await t.db.query(`INSERT INTO stores (id, merchant_id, name) VALUES ($1, $2, 'Main street')`, [
    storeId,
    merchantId,
  ]);
  const terminalId = ctx.newId();
  await t.db.query(
    `INSERT INTO terminals (id, merchant_id, store_id, issuer, key_id, secret_ciphertext)
     VALUES ($1, $2, $3, nextval('terminal_issuer_seq'), $4, 'x')`,
    [terminalId, merchantId, storeId, `term-key-${merchantId}`],
  );
  const issuer = (
    await t.db.query<{ issuer: number }>('SELECT issuer FROM terminals WHERE id = $1', [terminalId])
  )[0]!.issuer;
  const EUR = (n: number) => money(n, 'EUR');
  let seq = 0;
  const card = {
    brand: 'VISA',
    bin: '433026',
    last4: '4675',
    expiry: '1230',
    cardRef: shop.cardRef,
    tokenId: null,
    paymentProductId: 1,
  };
  const atCounter = (amount: number) => ({
    paymentId: formatPaymentId(issuer, seq++),
    channel: 'IN_STORE' as const,
    terminalId,
    opening: { kind: 'SALE' as const, amount: EUR(amount) },
    card,
  });
  const counterSale = async (amount: number, total = amount): Promise<PaymentId> => {
    const r = await ledgerWrites(ledger).createOrderWithPayment(
      { merchantId, currency: 'EUR', total: EUR(total), channel: 'IN_STORE', terminalId },
      atCounter(amount),
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.value.payment.paymentId;
  };
  const counterPaymentOn = async (orderId: Uuid, amount: number): Promise<PaymentId> => {
    const r = await ledgerWrites(ledger).openPayment({ merchantId, orderId, ...atCounter(amount) });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.payment.paymentId;
  };
  return { t, ctx, ledger, journal, merchantId, terminalId, issuer, counterSale, counterPaymentOn };
}
