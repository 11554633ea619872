/**
 * The host API's handler table: thin adapters from the contract (src-shared/host-api.ts) to the checkout use
 * cases. No business rule lives here; each handler maps input, calls one use case, maps the answer.
 */
import { err, ok, type DomainError, type Result } from '../../src-shared';
import type { HostApiError } from '../../src-shared/host-api';
import { closeDrawer, drawerStatus, moveCash, openDrawer } from '../checkout/cash-drawer';
import { importCatalogueCsv } from '../checkout/catalogue-import';
import { buildReport, closeDay } from '../checkout/end-of-day';
import { approveRefund, executeRefund, refundableOf, requestRefund } from '../checkout/refunds';
import { enrollStaff, requireManager, unlockStaff, verifyStaff } from '../checkout/staff';
import {
  recoverUnresolvedAttempt,
  resolveParkedAttempt,
  type AttemptResult,
} from '../checkout/terminal-attempts';
import { counterNotSetUp } from '../checkout/context';
import { voidCardPayment } from '../checkout/void';
import { findItem, getSetting, listStaff, syncStatus, unresolvedAttempt } from '../store';
import { toApiError, type HostHandlers } from './api';
import { SETTING, type Host } from './compose';
import { SYNC_SETTING } from './sync-wiring';
import { createManagerHandlers, type ManagerHandlerOptions } from './manager-handlers';
import { createSaleHandlers } from './sale-handlers';

const mapErr = <T>(r: Result<T, DomainError>): Result<T, HostApiError> =>
  r.ok ? r : err(toApiError(r.error));

const attemptState = (r: Result<AttemptResult | null, DomainError>) =>
  r.ok
    ? ok({ state: r.value?.state ?? 'NONE', attemptId: r.value?.attempt.attemptId ?? null })
    : err(toApiError(r.error));

/**
 * The host's commands, each a thin adapter over a use case. On a bare data directory (no issuer until a
 * manager enrols the counter) the money use cases refuse with COUNTER_NOT_SET_UP before they write
 * (checkout/context.ts `counterNotSetUp`).
 */
export function createHostHandlers(host: Host, managerOptions?: ManagerHandlerOptions): HostHandlers {
  const deps = host.deps;
  const sale = createSaleHandlers(host);
  return {
    status: () => {
      const s = syncStatus(deps.db, deps.clock());
      const d = drawerStatus(deps);
      const a = unresolvedAttempt(deps.db);
      return ok({
        issuer: deps.issuer,
        currency: deps.currency,
        online: deps.isOnline(),
        ...s,
        drawerOpen: d.open !== null,
        drawerExpectedMinor: d.expectedMinor,
        unresolvedAttempt: a ? { attemptId: a.attemptId, state: a.state, amountMinor: a.amountMinor } : null,
        ...sale.statusExtras(),
        setUp: {
          issuer: counterNotSetUp(deps) === null,
          terminal:
            host.live.terminal().port !== null || ['READY', 'BUSY'].includes(host.live.terminal().state),
          manager: listStaff(deps.db).some((m) => m.role === 'MANAGER' && m.active),
        },
        core: {
          enrolled: host.sync !== null,
          url: host.sync?.client.baseUrl ?? getSetting<string>(deps.db, SETTING.coreUrl) ?? null,
          keyId: getSetting<string>(deps.db, SYNC_SETTING.keyId) ?? null,
        },
      });
    },
    'staff.enroll': (i) => {
      // The first manager enrolls without one (a new counter); after that a manager authorises.
      const hasManager = listStaff(deps.db).some((s) => s.role === 'MANAGER' && s.active);
      if (hasManager) {
        const m = requireManager(deps, i.manager, 'Enrolling staff');
        if (!m.ok) return err(toApiError(m.error));
      }
      const r = enrollStaff(deps, { ...i, by: i.manager?.managerId ?? null });
      return r.ok ? ok({ staffId: r.value.staffId, role: r.value.role }) : err(toApiError(r.error));
    },
    'staff.verify': (i) => {
      const r = verifyStaff(deps, i.staffId, i.pin);
      return r.ok
        ? ok({ staffId: r.value.staffId, name: r.value.name, role: r.value.role })
        : err(toApiError(r.error));
    },
    'staff.unlock': (i) => {
      const r = unlockStaff(deps, { staffId: i.staffId, ...i.manager });
      return r.ok ? ok({}) : err(toApiError(r.error));
    },
    'catalogue.import': (i) => mapErr(importCatalogueCsv(deps, i.csv)),
    'catalogue.search': sale['catalogue.search'],
    'catalogue.find': (i) => {
      const item = findItem(deps.db, i.code);
      return ok(
        item
          ? {
              sku: item.sku,
              barcode: item.barcode,
              name: item.name,
              priceMinor: item.priceMinor,
              taxRateBp: item.taxRateBp,
            }
          : null,
      );
    },
    // Under the UI's checkout id (sale-handlers.ts): a retry answers the first checkout, never charges twice.
    'sale.checkout': sale['sale.checkout'],
    'deposit.take': sale['deposit.take'],
    'balance.collect': sale['balance.collect'],
    'order.refundable': (i) => mapErr(refundableOf(deps, i.orderId)),
    'payment.void': async (i) => attemptState(await voidCardPayment(deps, i)),
    'attempt.recover': async () => attemptState(await recoverUnresolvedAttempt(deps)),
    'attempt.resolve': (i) => {
      const m = requireManager(deps, i.manager, 'Settling a card payment in doubt');
      if (!m.ok) return err(toApiError(m.error));
      return attemptState(
        resolveParkedAttempt(deps, {
          attemptId: i.attemptId,
          charged: i.charged,
          receiptNumber: i.receiptNumber,
          managerId: m.value.staffId,
        }),
      );
    },
    'drawer.open': (i) => {
      const r = openDrawer(deps, i);
      return r.ok ? ok({ sessionId: r.value.sessionId }) : err(toApiError(r.error));
    },
    'drawer.move': (i) => mapErr(moveCash(deps, i)),
    'drawer.close': (i) => mapErr(closeDrawer(deps, i)),
    'refund.request': (i) => {
      const r = requestRefund(deps, i);
      return r.ok
        ? ok({
            requestId: r.value.requestId,
            reference: r.value.reference,
            orderId: r.value.orderId,
            paymentId: r.value.paymentId,
            amountMinor: r.value.amountMinor,
            method: r.value.method,
            state: r.value.state,
          })
        : err(toApiError(r.error));
    },
    'refund.approve': (i) => {
      const r = approveRefund(deps, { requestId: i.requestId, ...i.manager });
      return r.ok
        ? ok({
            requestId: r.value.requestId,
            reference: r.value.reference,
            orderId: r.value.orderId,
            paymentId: r.value.paymentId,
            amountMinor: r.value.amountMinor,
            method: r.value.method,
            state: r.value.state,
          })
        : err(toApiError(r.error));
    },
    'refund.execute': async (i) => {
      const auth = i.manager ? { manager: i.manager } : i.requestId ? { requestId: i.requestId } : null;
      const r = await executeRefund(deps, i, auth);
      if (!r.ok) return err(toApiError(r.error));
      return ok({ ...r.value, error: r.value.error ? toApiError(r.value.error) : null });
    },
    'day.close': async (i) => mapErr(await closeDay(deps, i)),
    'day.preview': () => ok(buildReport(deps, { terminal: null, core: null, reportId: 'preview' })),
    // The counter app's sale side (sale-handlers.ts).
    'staff.list': sale['staff.list'],
    'cart.get': sale['cart.get'],
    'cart.put': sale['cart.put'],
    'payment.cancel': sale['payment.cancel'],
    'receipt.get': sale['receipt.get'],
    // The manager's side (orders, card, queue, exceptions, reconciliation, settings, terminal port).
    ...createManagerHandlers(host, managerOptions),
  };
}
