/**
 * The host API's manager side (issues 9 and 10): orders and their timelines, the card presented to find its
 * orders, the queue and sync, sync exceptions, reconciliation, settings and the terminal's port. Thin
 * adapters like handlers.ts: each maps input, calls one use case or reader, maps the answer.
 */
import { SerialPort } from 'serialport';
import { domainError, err, ok, type Result } from '../../src-shared';
import type { HostApiError, HostCommandOutput } from '../../src-shared/host-api';
import { counterSettings, updateCounterSettings, type CounterSettings } from '../checkout/counter-settings';
import { orderTimeline, searchOrderSummaries } from '../checkout/order-views';
import { resolveSyncException } from '../checkout/sync-exceptions';
import {
  getSetting,
  listSyncExceptions,
  pendingOutbox,
  searchOrders,
  syncStatus,
  type SyncExceptionListed,
} from '../store';
import { reconcileWithCore, type CoreOrderReader } from '../sync/reconcile';
import { localOrderViews } from '../sync/store-port';
import { toApiError, type HostHandlers } from './api';
import { SETTING, type Host } from './compose';
import { enrolWithCore } from './enrolment';
import { SYNC_SETTING } from './sync-wiring';

export type ManagerCommand =
  | 'order.search'
  | 'order.timeline'
  | 'card.read'
  | 'queue.list'
  | 'sync.now'
  | 'exceptions.list'
  | 'exception.resolve'
  | 'reconcile.run'
  | 'settings.get'
  | 'settings.put'
  | 'core.enrol'
  | 'terminal.ports'
  | 'terminal.test';

export interface ManagerHandlerOptions {
  /** How reconciliation reads the core's orders. Default: the sync API with this counter's terminal key. */
  readonly orderReader?: CoreOrderReader;
  /** Lists serial ports (tests give their own; default: serialport's SerialPort.list()). */
  readonly listPorts?: () => Promise<{ path: string; manufacturer?: string | undefined }[]>;
}

const exceptionAnswer = (e: SyncExceptionListed): HostCommandOutput<'exceptions.list'>[number] => ({
  exceptionId: String(e.exceptionId),
  orderId: e.orderId,
  kind: e.kind,
  code: e.code,
  message: e.message,
  createdAt: e.createdAt,
  resolvedAt: e.resolvedAt,
  resolution: e.resolution,
});

const hostErr = (command: string, reason: string): Result<never, HostApiError> =>
  err(toApiError(domainError('HOST_NOT_WIRED', { command, reason })));

function orderReaderFor(host: Host, o: ManagerHandlerOptions): CoreOrderReader | string {
  if (o.orderReader) return o.orderReader;
  // The terminal key reads the core's view of this store's orders (docs/sync.md); no merchant key needed.
  return host.sync?.orders ?? 'this counter is not enrolled with a core';
}

/** The settings' core part as the host runs it: enrolled means syncing now (never the secret). */
function withCore(host: Host, s: CounterSettings): CounterSettings & { core: HostCoreView } {
  return {
    ...s,
    core: {
      ...s.core,
      enrolled: host.sync !== null,
      keyId: getSetting<string>(host.db, SYNC_SETTING.keyId) ?? null,
      issuer: getSetting<number>(host.db, SETTING.issuer) ?? null,
      secretKeptIn: host.secretSource,
    },
  };
}
type HostCoreView = HostCommandOutput<'settings.get'>['core'];

export function createManagerHandlers(
  host: Host,
  options: ManagerHandlerOptions = {},
): Pick<HostHandlers, ManagerCommand> {
  const deps = host.deps;
  const listPorts = options.listPorts ?? (() => SerialPort.list());
  return {
    'order.search': (i) => ok(searchOrderSummaries(deps, i)),
    'order.timeline': (i) => {
      const t = orderTimeline(deps, i.orderId.toLowerCase());
      return t ? ok(t) : err(toApiError(domainError('ORDER_NOT_FOUND', { orderId: i.orderId })));
    },
    'card.read': async (i) => {
      const r = await host.session.readCard({ timeoutSeconds: i.timeoutSeconds });
      if (r.kind !== 'read') return err(toApiError(r.error));
      if (!r.card.token) {
        return err(
          toApiError(
            domainError('TERMINAL_CARD_NOT_READ', {
              reason: 'the terminal gave no token for this card, so its payments cannot be found by it',
            }),
          ),
        );
      }
      const masked = r.card.maskedPan ?? (r.card.last4 ? `•••• ${r.card.last4}` : null);
      return ok({ cardToken: r.card.token, maskedPan: masked });
    },
    'queue.list': () => {
      const next = host.sync?.daemon.status().nextCycleAt ?? null;
      return ok(
        pendingOutbox(deps.db, 500).map((q) => ({
          id: q.messageId,
          kind: q.kind,
          orderId: q.orderId,
          createdAt: q.createdAt,
          attempts: q.attempts,
          lastError: q.lastError,
          nextAttemptAt: next,
        })),
      );
    },
    'sync.now': async () => {
      if (!host.sync) {
        return ok({
          online: false,
          pushed: 0,
          pulled: 0,
          queued: syncStatus(deps.db, deps.clock()).queued,
          error:
            'This counter is not enrolled with a core, so nothing can be sent: enrol it under Settings → ' +
            'Enrolment with what `npm run core -- enroll-terminal` printed.',
        });
      }
      const report = await host.sync.daemon.syncNow();
      deps.emit({ kind: 'status-changed' });
      return ok({
        online: host.sync.daemon.status().online ?? false,
        pushed: report.accepted + report.duplicates,
        pulled: report.pulledChanges,
        queued: syncStatus(deps.db, deps.clock()).queued,
        error: report.error
          ? report.error.kind === 'transient'
            ? `The core did not answer (${report.error.message}); the queue is kept and sent when it is back.`
            : report.error.message
          : null,
      });
    },
    'exceptions.list': (i) =>
      ok(listSyncExceptions(deps.db, { includeResolved: i.includeResolved }).map(exceptionAnswer)),
    'exception.resolve': (i) => {
      const id = /^\d{1,15}$/.test(i.exceptionId) ? Number(i.exceptionId) : -1;
      const r = resolveSyncException(deps, {
        exceptionId: id,
        action: i.action,
        note: i.note,
        manager: i.manager,
      });
      if (!r.ok) return err(toApiError(r.error));
      // Sent again: the use case's outbox event wakes the daemon, which pushes it soon; the answer does not wait
      // for a core that may be slow (the result shows in the queue, or again in the exceptions).
      return ok(exceptionAnswer(r.value.exception));
    },
    'reconcile.run': async (i) => {
      const checkedAt = deps.clock().toISOString();
      if (!host.sync) {
        return ok({
          checkedAt,
          checked: 0,
          differences: [],
          error: 'This counter is not enrolled with a core: there is nothing to compare with.',
        });
      }
      const reader = orderReaderFor(host, options);
      if (typeof reader === 'string') return ok({ checkedAt, checked: 0, differences: [], error: reader });
      const day = i.businessDay ?? checkedAt.slice(0, 10);
      const orderIds = searchOrders(deps.db, { businessDay: day, limit: 500 }).map((o) => o.orderId);
      const r = await reconcileWithCore({
        daemon: host.sync.daemon,
        localOrders: () => localOrderViews(deps.db, orderIds),
        core: reader,
        now: deps.clock,
      });
      if (!r.ok) {
        return ok({
          checkedAt,
          checked: 0,
          differences: [],
          error: `The core's orders could not be read (${r.error.message}); try again when it answers.`,
        });
      }
      const show = (v: unknown) => (v === null ? '—' : String(v));
      return ok({
        checkedAt: r.value.at,
        checked: r.value.ordersChecked,
        differences: r.value.differences.map((d) => ({
          orderId: d.orderId,
          counter: `${d.kind}${d.paymentId ? ` ${d.paymentId}` : ''}: ${show(d.counter)}`,
          core: show(d.core),
          action: d.action,
        })),
        error: r.value.syncError
          ? `The sync before the comparison did not finish (${r.value.syncError.message}): differences of ` +
            `orders still queued close once they are sent.`
          : null,
      });
    },
    'settings.get': () => ok(withCore(host, counterSettings(deps))),
    'settings.put': (i) => {
      const { manager, ...change } = i;
      const r = updateCounterSettings(deps, change, manager);
      if (!r.ok) return err(toApiError(r.error));
      // A first port (a new counter) or a port for an unplugged terminal: try it now, no restart.
      if (change.terminal) host.terminalSettingsChanged();
      return ok(withCore(host, r.value));
    },
    'core.enrol': async (i) => {
      const r = await enrolWithCore(host, i);
      return r.ok ? ok(r.value) : err(toApiError(r.error));
    },
    'terminal.ports': async () => {
      try {
        const ports = await listPorts();
        return ok(ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer ?? null })));
      } catch (e) {
        return hostErr('terminal.ports', `the serial ports could not be listed (${(e as Error).message})`);
      }
    },
    'terminal.test': async () => {
      const where = host.session.description;
      const r = await host.session.statusEnquiry();
      deps.emit({ kind: 'status-changed' });
      if (r.ok) {
        const id = r.value.terminalId ? ` (terminal ${r.value.terminalId})` : '';
        return ok({ ok: true, message: `The card terminal on ${where} answered${id}: ${r.value.text.en}` });
      }
      if (r.error.code === 'TERMINAL_BUSY') {
        return ok({
          ok: false,
          message: `The card terminal on ${where} is busy with a card command; try again.`,
        });
      }
      return ok({
        ok: false,
        message:
          `The card terminal on ${where} did not answer: ${r.error.message} Check that it is switched on, ` +
          `that its cable is plugged in and that the port in the settings is the right one.`,
      });
    },
  };
}
