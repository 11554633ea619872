/**
 * The counter's sale commands of the host API (issue 10's sale vertical): the staff list for sign-in, the
 * open basket, checkouts under a UI-minted checkout id, the status the UI reads after a reconnect, the card
 * cancel, and receipts. Thin adapters as in handlers.ts; the rules they need beyond the use cases (what a
 * checkout id means, what a receipt shows) are written down here.
 */
import { createHash } from 'node:crypto';
import { domainError, err, ok, orderBalances, type DomainError, type Result } from '../../src-shared';
import type { HostApiError, HostCommandInput, HostCommandOutput } from '../../src-shared/host-api';
import { percentOf, spreadBasketDiscount, type CartEntry } from '../checkout/cart';
import { businessDay } from '../checkout/context';
import { counterSettings } from '../checkout/counter-settings';
import { collectBalance, takeDeposit } from '../checkout/deposit';
import { checkoutSale, type SaleResult } from '../checkout/sale';
import {
  appendAudit,
  findItem,
  finishCheckout,
  getCheckout,
  getCustomer,
  getOpenCart,
  getOrder,
  getSetting,
  insertCheckout,
  listStaff,
  loadOrderState,
  orderLines,
  orderPayments,
  putOpenCart,
  searchItems,
  queuedCardPayments,
  terminalReceiptsOfOrder,
  unresolvedAttempt,
  type OpenCartLine,
} from '../store';
import { toApiError } from './api';
import type { Host } from './compose';

type Answer<K extends Parameters<typeof ok>[0]> = Result<K, HostApiError>;
type SaleOut = HostCommandOutput<'sale.checkout'>;

/** Settings keys this module reads (the settings screen writes them). */
export const RECEIPT_SETTING = {
  header: 'receipt.header',
  footer: 'receipt.footer',
} as const;

/** Terminal errors that mean the line to it is gone (not a refusal by the terminal or the card). */
const LINE_LOST = new Set([
  'TERMINAL_UNREACHABLE',
  'TERMINAL_SERIAL_PORT_FAILED',
  'TERMINAL_TRANSMISSION_FAILED',
  'TERMINAL_COMMAND_TIMEOUT',
]);

const inDoubt = (a: SaleOut) =>
  a.tenders.some((t) => t.state === 'PARKED' || t.error?.code === 'CARD_OUTCOME_PENDING');

export function toSaleAnswer(v: SaleResult): SaleOut {
  return { ...v, tenders: v.tenders.map((t) => ({ ...t, error: t.error ? toApiError(t.error) : null })) };
}

const stableJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );

/** The whole request but its checkout id, hashed: a retry must be the same request. */
const requestHash = (command: string, input: object): string => {
  const { checkoutId: _id, ...rest } = input as { checkoutId?: string };
  return createHash('sha256').update(command).update('\0').update(stableJson(rest)).digest('hex');
};

export function createSaleHandlers(host: Host) {
  const deps = host.deps;
  const db = deps.db;
  /** Checkouts running in this process, by checkout id: a retry while one runs waits for its answer. */
  const running = new Map<string, Promise<Answer<SaleOut>>>();

  /** The answer of a checkout whose host died before it could store one: read back from the order. */
  function answerFromOrder(orderId: string): Answer<SaleOut> {
    const pending = unresolvedAttempt(db);
    if (pending?.orderId === orderId)
      return err(
        toApiError(
          domainError('CARD_OUTCOME_PENDING', {
            attemptId: pending.attemptId,
            amount: `${pending.amountMinor} (minor units)`,
          }),
        ),
      );
    const order = getOrder(db, orderId)!;
    const state = loadOrderState(db, orderId)!;
    const balances = orderBalances(state);
    const lines = orderLines(db, orderId);
    return ok({
      orderId,
      totalMinor: order.totalMinor ?? 0,
      taxes: taxesOf(lines),
      tenders: orderPayments(db, orderId)
        .filter((p) => p.collectedHere && p.method)
        .map((p) => ({
          method: p.method!,
          ok: true,
          paymentId: p.paymentId,
          amountMinor: balances.payments.get(p.paymentId)?.collected.amountMinor ?? 0,
          changeMinor: 0,
          state: p.method === 'CASH' ? 'PAID' : 'APPROVED',
          error: null,
        })),
      balanceDueMinor: balances.balanceDue?.amountMinor ?? 0,
    });
  }

  /**
   * Runs a checkout under its id. The id's row (with the order id the checkout will create) is committed
   * before anything else, so after a crash the order it belongs to is known. A retry with the same id answers
   * the first checkout's answer; while the first runs, it waits for it; after a restart it reads the order
   * back. A checkout refused before it recorded anything (a closed drawer, an unknown item) frees its id.
   */
  async function underCheckoutId(
    command: 'sale.checkout' | 'deposit.take' | 'balance.collect',
    input: { checkoutId?: string },
    o: { orderId?: string; clearsCart: boolean },
    run: (orderId: string | undefined) => Promise<Result<SaleResult, DomainError | HostApiError>>,
  ): Promise<Answer<SaleOut>> {
    const mapped = (r: Result<SaleResult, DomainError | HostApiError>): Answer<SaleOut> =>
      r.ok ? ok(toSaleAnswer(r.value)) : err({ code: r.error.code, message: r.error.message });
    const afterCard = (a: Answer<SaleOut>) => {
      if (a.ok && a.value.tenders.some((t) => t.error && LINE_LOST.has(t.error.code))) host.terminalLost();
      return a;
    };
    const id = input.checkoutId;
    if (!id) return afterCard(mapped(await run(o.orderId)));
    const hash = requestHash(command, input);
    const reused = () => err(toApiError(domainError('CHECKOUT_ID_REUSED', { checkoutId: id, command })));
    const inFlight = running.get(id);
    if (inFlight) return getCheckout(db, id)?.requestHash === hash ? inFlight : reused();
    const known = getCheckout(db, id);
    if (known && (known.requestHash !== hash || known.command !== command)) return reused();
    if (known?.answer) return ok(known.answer as SaleOut);
    if (known && getOrder(db, known.orderId)) {
      const read = answerFromOrder(known.orderId);
      if (read.ok) db.tx(() => finishCheckout(db, id, read.value, deps.clock().toISOString()));
      return read;
    }
    const orderId = known?.orderId ?? o.orderId ?? deps.newId();
    if (!known)
      db.tx(() =>
        insertCheckout(db, {
          checkoutId: id,
          command,
          requestHash: hash,
          orderId,
          clearsCart: o.clearsCart,
          createdAt: deps.clock().toISOString(),
        }),
      );
    const p = (async (): Promise<Answer<SaleOut>> => {
      const r = await run(command === 'balance.collect' ? o.orderId : orderId);
      const a = mapped(r);
      // An outcome still in doubt is not an answer: a replay reads the order again once it is recovered.
      if (a.ok && !inDoubt(a.value)) db.tx(() => finishCheckout(db, id, a.value, deps.clock().toISOString()));
      // Refused before anything was written: the id may be used again (after opening the drawer, say).
      else if (!getOrder(db, orderId) || command === 'balance.collect')
        db.tx(() => db.prepare('DELETE FROM checkouts WHERE checkout_id = ? AND answer IS NULL').run(id));
      return afterCard(a);
    })();
    running.set(id, p);
    try {
      return await p;
    } finally {
      running.delete(id);
    }
  }

  function entries(list: HostCommandInput<'sale.checkout'>['entries']): Result<CartEntry[], HostApiError> {
    const out: CartEntry[] = [];
    for (const e of list) {
      if ('sku' in e) {
        const item = findItem(db, e.sku);
        if (!item) return err(toApiError(domainError('CATALOGUE_ITEM_NOT_FOUND', { code: e.sku })));
        out.push({ kind: 'item', item, quantity: e.quantity, discountMinor: e.discountMinor });
      } else out.push({ kind: 'free', ...e });
    }
    return ok(out);
  }

  return {
    /** The status fields the counter app added: terminal, card command running, offline card payments. */
    statusExtras() {
      const now = deps.clock();
      // The limit a manager set (settings `offline.limits`, the one the offline card policy enforces).
      const maxAgeHours = counterSettings(deps).offline.maxAgeHours;
      return {
        terminal: host.live.terminal(),
        currentAttempt: host.live.currentAttempt(),
        offlinePayments: queuedCardPayments(db).map((p) => ({
          ...p,
          forwardBy: new Date(new Date(p.takenAt).getTime() + maxAgeHours * 3_600_000).toISOString(),
        })),
        businessDay: businessDay(now),
      };
    },

    'staff.list': (): Answer<HostCommandOutput<'staff.list'>> => {
      const now = deps.clock().toISOString();
      return ok(
        listStaff(db)
          .filter((s) => s.active)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => ({
            staffId: s.staffId,
            name: s.name,
            role: s.role,
            locked: s.lockedUntil !== null && s.lockedUntil > now,
          })),
      );
    },

    /** Search as you type: SQLite LIKE with the query's % and _ escaped (a typed "50%" is not a wildcard). */
    'catalogue.search': (
      i: HostCommandInput<'catalogue.search'>,
    ): Answer<HostCommandOutput<'catalogue.search'>> =>
      ok(
        searchItems(db, i.query, i.limit).map((it) => ({
          sku: it.sku,
          barcode: it.barcode,
          name: it.name,
          priceMinor: it.priceMinor,
          taxRateBp: it.taxRateBp,
        })),
      ),

    'cart.get': (): Answer<HostCommandOutput<'cart.get'>> => ok(getOpenCart(db)),

    'cart.put': (i: HostCommandInput<'cart.put'>): Answer<HostCommandOutput<'cart.put'>> => {
      const ids = new Set<string>();
      for (const [n, l] of i.lines.entries()) {
        if (ids.has(l.lineId))
          return err(invalid('cart.put', `lines.${n}.lineId: ${l.lineId} appears twice`));
        ids.add(l.lineId);
        if (l.discountMinor >= l.unitMinor * l.quantity)
          return err(invalid('cart.put', `lines.${n}.discountMinor: must be less than the line's amount`));
        if (
          l.discountBp !== undefined &&
          l.discountMinor !== percentOf(l.unitMinor * l.quantity, l.discountBp)
        )
          return err(
            invalid(
              'cart.put',
              `lines.${n}.discountMinor: ${l.discountBp / 100} % of the line is ` +
                `${percentOf(l.unitMinor * l.quantity, l.discountBp)}, not ${l.discountMinor}`,
            ),
          );
      }
      if (i.basketDiscount) {
        const spread = spreadBasketDiscount(
          i.lines.map((l) => l.unitMinor * l.quantity - l.discountMinor),
          i.basketDiscount,
          deps.currency,
        );
        if (!spread.ok) return err(invalid('cart.put', `basketDiscount: ${spread.error.message}`));
      }
      const at = deps.clock().toISOString();
      return ok(db.tx(() => putOpenCart(db, i.lines as OpenCartLine[], at, i.basketDiscount ?? null)));
    },

    'sale.checkout': (i: HostCommandInput<'sale.checkout'>) =>
      underCheckoutId('sale.checkout', i, { clearsCart: true }, async (orderId) => {
        // Inside: a replay answers the first result even if the catalogue changed since.
        const e = entries(i.entries);
        if (!e.ok) return e;
        return checkoutSale(deps, {
          entries: e.value,
          tenders: i.tenders,
          operatorId: i.operatorId,
          orderId,
          basketDiscount: i.basketDiscount,
        });
      }),

    'deposit.take': (i: HostCommandInput<'deposit.take'>) =>
      underCheckoutId('deposit.take', i, { clearsCart: false }, (orderId) =>
        takeDeposit(deps, { ...i, orderId }),
      ),

    'balance.collect': (i: HostCommandInput<'balance.collect'>) =>
      underCheckoutId('balance.collect', i, { orderId: i.orderId, clearsCart: false }, () =>
        collectBalance(deps, i),
      ),

    'payment.cancel': async (): Promise<Answer<HostCommandOutput<'payment.cancel'>>> => {
      const current = host.live.currentAttempt();
      if (!current) return ok({ requested: false, attemptId: null });
      // ZVT Abort (06 B0) into the running command; the terminal decides and attemptFinished tells the outcome.
      const r = await host.session.abort();
      appendAuditNow('CARD_CANCEL_REQUESTED', null, current.attemptId, { sent: r.ok });
      return ok({ requested: r.ok, attemptId: current.attemptId });
    },

    'receipt.get': (i: HostCommandInput<'receipt.get'>): Answer<HostCommandOutput<'receipt.get'>> => {
      const order = getOrder(db, i.orderId);
      if (!order) return err(toApiError(domainError('ORDER_NOT_FOUND', { orderId: i.orderId })));
      const state = loadOrderState(db, i.orderId)!;
      const balances = orderBalances(state);
      const lines = orderLines(db, i.orderId);
      const change = changeByPayment(i.orderId);
      const customer = order.customerId ? getCustomer(db, order.customerId) : null;
      if (i.reprint)
        appendAuditNow('RECEIPT_REPRINTED', i.operatorId ?? null, i.orderId, { orderId: i.orderId });
      return ok({
        orderId: order.orderId,
        createdAt: order.createdAt,
        currency: order.currency,
        header: getSetting<string[]>(db, RECEIPT_SETTING.header) ?? [],
        lines: lines.map((l) => ({
          name: l.description,
          quantity: l.quantity,
          amountMinor: l.lineTotalMinor,
          discountMinor: (l.discountMinor ?? 0) - (l.basketDiscountMinor ?? 0),
        })),
        basketDiscountMinor: lines.reduce((a, l) => a + (l.basketDiscountMinor ?? 0), 0),
        taxes: taxesOf(lines),
        totalMinor: order.totalMinor ?? 0,
        tenders: orderPayments(db, i.orderId)
          .filter((p) => p.collectedHere && p.method && balances.payments.has(p.paymentId))
          .map((p) => ({
            method: p.method!,
            amountMinor: balances.payments.get(p.paymentId)!.captured.amountMinor,
            changeMinor: change.get(p.paymentId) ?? 0,
            paymentId: p.paymentId,
            cardLast4: p.cardLast4,
          })),
        balanceDueMinor: order.kind === 'SALE' ? null : (balances.balanceDue?.amountMinor ?? null),
        customer: customer ? customer.name : null,
        terminalLines: terminalReceiptsOfOrder(db, i.orderId).flatMap((r) => [...r.lines, '']),
        terminalReceipts: terminalReceiptsOfOrder(db, i.orderId).flatMap((r) =>
          (r.receipts ?? []).map((c) => ({ type: c.type, lines: [...c.lines] })),
        ),
        footer: getSetting<string[]>(db, RECEIPT_SETTING.footer) ?? [],
        copy: i.reprint,
      });
    },
  };

  function appendAuditNow(action: string, actor: string | null, subject: string, details: object) {
    db.tx(() => appendAudit(db, { at: deps.clock(), actor, action, subject, details }));
  }

  /** Change handed back per cash payment, from the answers of the checkouts that took it. */
  function changeByPayment(orderId: string): Map<string, number> {
    const out = new Map<string, number>();
    const rows = db
      .prepare('SELECT answer FROM checkouts WHERE order_id = ? AND answer IS NOT NULL')
      .all(orderId) as { answer: string }[];
    for (const r of rows)
      for (const t of (JSON.parse(r.answer) as SaleOut).tenders)
        if (t.paymentId && t.changeMinor > 0) out.set(t.paymentId, t.changeMinor);
    return out;
  }
}

function invalid(command: string, reason: string): HostApiError {
  return toApiError(domainError('HOST_COMMAND_INVALID', { command, reason }));
}

/** Tax per rate as the receipt prints it: on what each line charges (its gross less its discount). */
function taxesOf(
  lines: readonly {
    taxRateBp: number;
    lineTotalMinor: number;
    taxMinor: number;
    discountMinor?: number;
  }[],
) {
  const byRate = new Map<number, { grossMinor: number; taxMinor: number }>();
  for (const l of lines) {
    const t = byRate.get(l.taxRateBp) ?? { grossMinor: 0, taxMinor: 0 };
    t.grossMinor += l.lineTotalMinor - (l.discountMinor ?? 0);
    t.taxMinor += l.taxMinor;
    byRate.set(l.taxRateBp, t);
  }
  return [...byRate]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, t]) => ({ rateBp, ...t, netMinor: t.grossMinor - t.taxMinor }));
}
