import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp, useT } from './context';

/**
 * A new counter (nobody can sign in yet): the first manager is created here with a name, an id and a PIN
 * typed twice (the host's staff.enroll needs no manager for the first one). Then they are signed in and
 * taken to Settings, where the counter is enrolled with the payment core and the terminal's port chosen.
 */
export function FirstManager() {
  const t = useT();
  const create = useApp((s) => s.createFirstManager);
  const [name, setName] = useState('');
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (name.trim() === '' || staffId.trim() === '' || pin === '') {
      setError(t.t('setUp.missing'));
      return;
    }
    if (pin !== again) {
      setError(t.t('setUp.pinMismatch'));
      setAgain('');
      return;
    }
    setBusy(true);
    setError(null);
    void create({ staffId: staffId.trim(), name: name.trim(), pin }).then((refused) => {
      setBusy(false);
      if (refused) setError(refused.message);
    });
  };
  const digits = (v: string) => v.replace(/\D/g, '');

  return (
    <main className="sign-in" aria-labelledby="set-up-title">
      <form onSubmit={submit} className="card" noValidate>
        <h1 id="set-up-title">{t.t('setUp.title')}</h1>
        <p>{t.t('setUp.intro')}</p>
        <label htmlFor="set-up-name">{t.t('setUp.name')}</label>
        <input
          id="set-up-name"
          ref={first}
          autoComplete="off"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="set-up-id">{t.t('setUp.staffId')}</label>
        <input
          id="set-up-id"
          autoComplete="off"
          value={staffId}
          maxLength={40}
          onChange={(e) => setStaffId(e.target.value)}
          aria-describedby="set-up-id-hint"
        />
        <p id="set-up-id-hint" className="hint">
          {t.t('setUp.staffIdHint')}
        </p>
        <label htmlFor="set-up-pin">{t.t('setUp.pin')}</label>
        <input
          id="set-up-pin"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          value={pin}
          maxLength={12}
          onChange={(e) => setPin(digits(e.target.value))}
        />
        <label htmlFor="set-up-pin-again">{t.t('setUp.pinAgain')}</label>
        <input
          id="set-up-pin-again"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          value={again}
          maxLength={12}
          onChange={(e) => setAgain(digits(e.target.value))}
          aria-invalid={error === t.t('setUp.pinMismatch') ? true : undefined}
        />
        <div className="message-slot" aria-live="polite">
          {error ? (
            <p role="alert" className="tone-bad">
              {error}
            </p>
          ) : busy ? (
            <p>{t.t('setUp.creating')}</p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t.t('setUp.submit')}
          </button>
        </div>
      </form>
    </main>
  );
}
