/**
 * A counter for the sync tests and bench: its own real SQLite store (the host store, src-main/store), its own
 * terminal enrolled with the core, and its sync daemon talking to the core (directly or through the fault
 * proxy). Facts are written the way checkout writes them: the fact and its outbox message in one transaction.
 */
import { enrollTerminal } from '../../../src-core/accounts/accounts';
import { formatPaymentId, type PaymentId, type Uuid } from '../../../src-shared';
import {
  appendOperation,
  enqueueMessage,
  insertOrder,
  insertPayment,
  type StoreDb,
} from '../../../src-main/store';
import { createCoreClient, type CoreClient } from '../../../src-main/sync/core-client';
import { createSyncDaemon, type SyncDaemon, type SyncDaemonOptions } from '../../../src-main/sync/daemon';
import { bindSyncStorePort } from '../../../src-main/sync/store-port';
import type { TestCore } from '../../helpers/core-server';
import { newIdGenerator, openTestStore } from '../../helpers/host-store';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });

export interface SaleFact {
  orderId: Uuid;
  paymentId: PaymentId;
  amountMinor: number;
}

export interface Counter {
  db: StoreDb;
  terminalId: string;
  /** The terminal key from enrollment (for a test that runs the CLI on this counter's data directory). */
  key: { keyId: string; secret: string; issuer: number };
  client: CoreClient;
  daemon: SyncDaemon;
  sales: SaleFact[];
  refunds: { paymentId: PaymentId; operationId: string; amountMinor: number }[];
  cashMovements: string[];
  /** Every message id this counter queued. */
  messageIds: string[];
  sale(amountMinor: number): SaleFact;
  refundCash(sale: SaleFact, amountMinor: number): void;
  cashMovement(amountMinor: number): void;
  close(): Promise<void>;
}

export async function startCounter(
  core: TestCore,
  options: {
    baseUrl?: string;
    timeoutMs?: number;
    daemon?: Partial<SyncDaemonOptions>;
    /** The data directory of the counter's store (a fresh temporary one by default). */
    dataDir?: string;
  } = {},
): Promise<Counter> {
  const enrolled = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
    merchantId: core.merchantId,
    store: core.storeId,
  });
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  const t = enrolled.value;
  const db = openTestStore(options.dataDir);
  const newId = newIdGenerator();
  let paymentSeq = 1;
  const client = createCoreClient({
    baseUrl: options.baseUrl ?? core.url,
    keyId: t.keyId,
    secret: t.secret,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  const daemon = createSyncDaemon({ store: bindSyncStorePort(db), core: client, ...options.daemon });
  const counter: Counter = {
    db,
    terminalId: t.terminalId,
    key: { keyId: t.keyId, secret: t.secret, issuer: t.issuer },
    client,
    daemon,
    sales: [],
    refunds: [],
    cashMovements: [],
    messageIds: [],
    sale(amountMinor) {
      const orderId = newId();
      const paymentId = formatPaymentId(t.issuer, paymentSeq++);
      const operationId = newId();
      const at = new Date().toISOString();
      const ids = [newId(), newId()] as [Uuid, Uuid];
      db.tx(() => {
        insertOrder(db, {
          orderId,
          kind: 'SALE',
          currency: 'EUR',
          totalMinor: amountMinor,
          taxMinor: 0,
          customerId: null,
          merchantReference: null,
          operatorId: 'c1',
          origin: 'LOCAL',
          createdAt: at,
          businessDay: at.slice(0, 10),
        });
        insertPayment(db, {
          paymentId,
          orderId,
          channel: 'IN_STORE',
          method: 'CASH',
          collectedHere: true,
          cardBrand: null,
          cardLast4: null,
          cardToken: null,
          terminalReference: null,
          authorisationCode: null,
          createdAt: at,
        });
        appendOperation(
          db,
          orderId,
          {
            id: operationId,
            paymentId,
            channel: 'IN_STORE',
            occurredAt: at,
            kind: 'SALE',
            amount: eur(amountMinor),
          },
          'CASH',
          'LOCAL',
        );
        enqueueMessage(db, {
          messageId: ids[0],
          occurredAt: at,
          kind: 'ORDER_CREATED',
          orderId,
          currency: 'EUR',
          total: eur(amountMinor),
        });
        enqueueMessage(db, {
          messageId: ids[1],
          occurredAt: at,
          kind: 'PAYMENT_RECORDED',
          orderId,
          paymentId,
          operationId,
          method: 'CASH',
          result: { kind: 'SALE', amount: eur(amountMinor) },
        });
      });
      counter.messageIds.push(...ids);
      const fact = { orderId, paymentId, amountMinor };
      counter.sales.push(fact);
      daemon.wake();
      return fact;
    },
    refundCash(sale, amountMinor) {
      const operationId = newId();
      const messageId = newId();
      const at = new Date().toISOString();
      db.tx(() => {
        appendOperation(
          db,
          sale.orderId,
          {
            id: operationId,
            paymentId: sale.paymentId,
            channel: 'IN_STORE',
            occurredAt: at,
            kind: 'REFUND',
            amount: eur(amountMinor),
          },
          'CASH',
          'LOCAL',
        );
        enqueueMessage(db, {
          messageId,
          occurredAt: at,
          kind: 'REFUND',
          paymentId: sale.paymentId,
          operationId,
          amount: eur(amountMinor),
          method: 'CASH',
        });
      });
      counter.messageIds.push(messageId);
      counter.refunds.push({ paymentId: sale.paymentId, operationId, amountMinor });
      daemon.wake();
    },
    cashMovement(amountMinor) {
      const messageId = newId();
      db.tx(() => {
        enqueueMessage(db, {
          messageId,
          occurredAt: new Date().toISOString(),
          kind: 'CASH_MOVEMENT',
          direction: 'IN',
          reason: 'FLOAT',
          amount: eur(amountMinor),
        });
      });
      counter.messageIds.push(messageId);
      counter.cashMovements.push(messageId);
      daemon.wake();
    },
    async close() {
      await daemon.stop();
      db.close();
    },
  };
  return counter;
}
