/**
 * The manager's area on its own page (`?area=manager`): a manager signs in with their ID and PIN (the host's
 * staff.verify; a cashier is told this needs a manager) and gets the manager's screens; "Sign out" returns
 * here. For a back-office screen beside the till, and usable whatever the cashier screen is doing.
 */
import { useEffect, useState } from 'react';
import type { CurrencyCode } from '../../../src-shared/currencies';
import type { HostCommandOutput } from '../../../src-shared/host-api';
import type { HostLink } from '../../host-link';
import type { AppStore } from '../../state/store';
import { StoreContext, useApp, useT } from '../context';
import type { MessageKey } from '../../i18n/en';
import { StatusBar } from '../StatusBar';
import { ManagerArea } from './ManagerArea';

type Verified = HostCommandOutput<'staff.verify'>;

export function ManagerApp({ store, host }: { store: AppStore; host: HostLink }) {
  useEffect(() => {
    const s = store.getState();
    void s.probeHost();
    return host.subscribe(s.applyHostEvent, s.setEventStream);
  }, [store, host]);
  return (
    <StoreContext.Provider value={store}>
      <ManagerPage host={host} />
    </StoreContext.Provider>
  );
}

function ManagerPage({ host }: { host: HostLink }) {
  const language = useApp((s) => s.language);
  const currency = useApp((s) => (s as { currency?: CurrencyCode }).currency ?? 'EUR');
  const [who, setWho] = useState<Verified | null>(null);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return (
    <div className="app">
      <StatusBar />
      {who ? (
        <ManagerArea
          host={host}
          operatorId={who.staffId}
          isManager
          currency={currency}
          onClose={() => setWho(null)}
          closeLabel="manager.signOut"
        />
      ) : (
        <ManagerSignIn host={host} onSignedIn={setWho} />
      )}
    </div>
  );
}

function ManagerSignIn({ host, onSignedIn }: { host: HostLink; onSignedIn: (v: Verified) => void }) {
  const t = useT();
  const tk = (k: string, p?: Record<string, string | number>) => t.t(k as MessageKey, p);
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in" aria-labelledby="manager-sign-in">
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          void host.call<Verified>('staff.verify', { staffId: staffId.trim(), pin }).then((r) => {
            setBusy(false);
            setPin('');
            if (!r.ok) setError(r.unreachable ? tk('manager.hostUnreachable') : r.error.message);
            else if (r.value.role !== 'MANAGER') setError(tk('manager.notAManager'));
            else onSignedIn(r.value);
          });
        }}
      >
        <h1 id="manager-sign-in">{tk('manager.signInTitle')}</h1>
        <label htmlFor="manager-staff-id">{tk('manager.managerId')}</label>
        <input
          id="manager-staff-id"
          autoComplete="username"
          value={staffId}
          onChange={(e) => setStaffId(e.target.value)}
          required
        />
        <label htmlFor="manager-staff-pin">{tk('manager.managerPin')}</label>
        <input
          id="manager-staff-pin"
          type="password"
          inputMode="numeric"
          autoComplete="current-password"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          required
        />
        <div className="message-slot" role="alert">
          {error ? <p className="tone-bad">{error}</p> : null}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {tk('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
