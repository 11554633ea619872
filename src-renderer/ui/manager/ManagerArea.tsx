/**
 * The manager's area: one screen at a time under a navigation bar, the notice line, and "Back to sale".
 * Its own store (state/manager-slice.ts) is created here with the host link. Keys pressed here stay here
 * (the sale screen's scanner/keypad listener on window does not see them).
 */
import { useEffect, useMemo, useRef } from 'react';
import type { CurrencyCode } from '../../../src-shared/currencies';
import type { HostLink } from '../../host-link';
import { LANGUAGES } from '../../i18n/i18n';
import { createManagerStore, type ManagerView } from '../../state/manager-slice';
import { useApp } from '../context';
import { ManagerContext, ManagerCurrency, ManagerSelf, useManager, useMt } from './context';
import { DayScreen } from './DayScreen';
import { DrawerScreen } from './DrawerScreen';
import { ExceptionsScreen } from './ExceptionsScreen';
import { OrderScreen } from './OrderScreen';
import { OrdersScreen } from './OrdersScreen';
import { NoticeLine } from './parts';
import { QueueScreen } from './QueueScreen';
import { ReconcileScreen } from './ReconcileScreen';
import { RefundScreen } from './RefundScreen';
import { SettingsScreen } from './SettingsScreen';
import './manager.css';

const NAV: { view: ManagerView; key: string }[] = [
  { view: 'orders', key: 'manager.nav.orders' },
  { view: 'queue', key: 'manager.nav.queue' },
  { view: 'exceptions', key: 'manager.nav.exceptions' },
  { view: 'reconcile', key: 'manager.nav.reconcile' },
  { view: 'day', key: 'manager.nav.day' },
  { view: 'drawer', key: 'manager.nav.drawer' },
  { view: 'settings', key: 'manager.nav.settings' },
];

export function ManagerArea({
  host,
  operatorId,
  isManager,
  currency,
  onClose,
  closeLabel = 'manager.backToSale',
  initialView,
}: {
  host: HostLink;
  operatorId: string;
  /** The signed-in staff member is a manager: the manager fields start with their id. */
  isManager: boolean;
  currency: CurrencyCode;
  /** Absent: no close button (the app's own navigation leaves the area). */
  onClose?: () => void;
  closeLabel?: string;
  /** The view to open on (Settings for a counter being set up); default the manager store's. */
  initialView?: ManagerView;
}) {
  const language = useApp((s) => s.language);
  const store = useMemo(() => {
    const created = createManagerStore({ host, currency, locale: LANGUAGES[language], operatorId });
    if (initialView) created.getState().show(initialView);
    return created;
  }, [host, currency, language, operatorId, initialView]);
  return (
    <ManagerContext.Provider value={store}>
      <ManagerCurrency.Provider value={currency}>
        <ManagerSelf.Provider value={isManager ? operatorId : ''}>
          <Area onClose={onClose} closeLabel={closeLabel} />
        </ManagerSelf.Provider>
      </ManagerCurrency.Provider>
    </ManagerContext.Provider>
  );
}

function Area({ onClose, closeLabel }: { onClose?: () => void; closeLabel: string }) {
  const t = useMt();
  const view = useManager((s) => s.view);
  const show = useManager((s) => s.show);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [view]);
  const current = view === 'order' || view === 'refund' ? 'orders' : view;
  return (
    <main
      className="manager"
      aria-labelledby="manager-title"
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') onClose?.();
      }}
    >
      <div className="manager-head">
        <h1 id="manager-title" tabIndex={-1} ref={heading}>
          {t.tk(`manager.title.${view}`)}
        </h1>
        {onClose ? (
          <button type="button" onClick={onClose}>
            {t.tk(closeLabel)}
          </button>
        ) : null}
      </div>
      <nav aria-label={t.tk('manager.nav.label')} className="manager-nav">
        <ul>
          {NAV.map((n) => (
            <li key={n.view}>
              <button
                type="button"
                aria-current={current === n.view ? 'page' : undefined}
                onClick={() => show(n.view)}
              >
                {t.tk(n.key)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <NoticeLine />
      <div className="manager-body">
        {view === 'orders' && <OrdersScreen />}
        {view === 'order' && <OrderScreen />}
        {view === 'refund' && <RefundScreen />}
        {view === 'queue' && <QueueScreen />}
        {view === 'exceptions' && <ExceptionsScreen />}
        {view === 'reconcile' && <ReconcileScreen />}
        {view === 'day' && <DayScreen />}
        {view === 'drawer' && <DrawerScreen />}
        {view === 'settings' && <SettingsScreen />}
      </div>
    </main>
  );
}
