/**
 * Where the cashier UI mounts the manager's area: a "Manager" button for the signed-in staff, and the area
 * in place of the sale screen while it is open. The one thing App.tsx renders of the manager's side.
 */
import { useState } from 'react';
import type { CurrencyCode } from '../../../src-shared/currencies';
import type { HostLink } from '../../host-link';
import { useApp, useT } from '../context';
import { ManagerArea } from './ManagerArea';
import type { MessageKey } from '../../i18n/en';

export function ManagerEntry({ host, children }: { host: HostLink; children: React.ReactNode }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const staff = useApp((s) => s.staff as { staffId?: string } | null);
  const currency = useApp((s) => (s as { currency?: CurrencyCode }).currency ?? 'EUR');
  if (!staff?.staffId) return <>{children}</>;
  if (open) {
    return (
      <ManagerArea
        host={host}
        operatorId={staff.staffId}
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
