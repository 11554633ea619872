/**
 * How the cashier UI mounts the manager's area.
 * - `ManagerRoot`: no props, for an app that shows it in its own navigation (the "Manager" tab): the signed-in
 *   staff member, the currency and the language come from the app's store, the host link from
 *   HostLinkContext when the app provides it, else a link of its own to the same host (connectHost).
 * - `ManagerEntry`: a "Manager" button above the sale screen, the area in its place while open.
 */
import { useContext, useMemo, useState, type ReactNode } from 'react';
import type { CurrencyCode } from '../../../src-shared/currencies';
import { connectHost } from '../../host';
import type { HostLink } from '../../host-link';
import { useApp, useT } from '../context';
import type { MessageKey } from '../../i18n/en';
import { HostLinkContext } from './context';
import { ManagerArea } from './ManagerArea';

interface StaffLike {
  staffId?: string;
  role?: string;
}

function useStaffAndCurrency() {
  const staff = useApp((s) => s.staff as StaffLike | null);
  const currency = useApp((s) => (s as { currency?: CurrencyCode }).currency ?? 'EUR');
  return { staff, currency, isManager: staff?.role?.toUpperCase() === 'MANAGER' };
}

function useHostLink(given?: HostLink): HostLink {
  const provided = useContext(HostLinkContext);
  return useMemo(() => given ?? provided ?? connectHost(window), [given, provided]);
}

export function ManagerRoot() {
  const { staff, currency, isManager } = useStaffAndCurrency();
  const host = useHostLink();
  // Settings first for the manager who just set up this counter (SignIn's first-manager form).
  const startView = useApp((s) => s.managerStartView) ?? undefined;
  if (!staff?.staffId) return null;
  return (
    <ManagerArea
      host={host}
      operatorId={staff.staffId}
      isManager={isManager}
      currency={currency}
      initialView={startView}
    />
  );
}

export function ManagerEntry({ host, children }: { host: HostLink; children: ReactNode }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const { staff, currency, isManager } = useStaffAndCurrency();
  const link = useHostLink(host);
  if (!staff?.staffId) return <>{children}</>;
  if (open) {
    return (
      <ManagerArea
        host={link}
        operatorId={staff.staffId}
        isManager={isManager}
        currency={currency}
        onClose={() => setOpen(false)}
      />
    );
  }
  return (
    <>
      <div className="manager-entry">
        <button type="button" onClick={() => setOpen(true)}>
          {t.t('manager.open' as MessageKey)}
        </button>
      </div>
      {children}
    </>
  );
}
