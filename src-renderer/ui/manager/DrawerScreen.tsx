/**
 * The cash drawer: open with a float, pay in / pay out / safe drop with a note, count and close. A count that
 * differs by more than the limit needs a reason and a manager's PIN (the host says so; the form then asks).
 */
import { useContext, useState } from 'react';
import type { ManagerCredentials } from '../../state/manager-slice';
import { useManager, useMt, ManagerSelf } from './context';
import { Busy, Field, ManagerPin, ReasonField } from './parts';

export function DrawerScreen() {
  const t = useMt();
  const drawer = useManager((s) => s.drawer);
  const last = useManager((s) => s.lastCount);
  if (!drawer) return null;
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.drawer')}>
      <p data-testid="drawer-state">
        {drawer.open
          ? t.tk('drawer.isOpen', { expected: t.minor(drawer.expectedMinor ?? 0) })
          : t.tk('drawer.isClosed')}
      </p>
      {last ? (
        <p data-testid="drawer-count">
          {t.tk('drawer.counted', {
            counted: t.minor(last.countedMinor),
            expected: t.minor(last.expectedMinor),
            difference: t.minor(last.differenceMinor),
          })}
        </p>
      ) : null}
      {drawer.open ? (
        <>
          <MoveForm />
          <CloseForm />
        </>
      ) : (
        <OpenForm />
      )}
    </section>
  );
}

function OpenForm() {
  const t = useMt();
  const open = useManager((s) => s.openDrawer);
  const busy = useManager((s) => s.busy);
  const [float, setFloat] = useState('');
  return (
    <form
      className="form-grid"
      aria-label={t.tk('drawer.open')}
      onSubmit={(e) => {
        e.preventDefault();
        void open(float).then((ok) => ok && setFloat(''));
      }}
    >
      <Field label={t.tk('drawer.float')}>
        {(id) => (
          <input
            id={id}
            inputMode="decimal"
            value={float}
            onChange={(e) => setFloat(e.target.value)}
            required
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          {t.tk('drawer.open')}
        </button>
        <Busy when={busy === 'drawer.open'} />
      </div>
    </form>
  );
}

function MoveForm() {
  const t = useMt();
  const move = useManager((s) => s.moveCash);
  const busy = useManager((s) => s.busy);
  const [direction, setDirection] = useState<'IN' | 'OUT'>('OUT');
  const [kind, setKind] = useState<'PETTY_CASH' | 'SAFE_DROP'>('PETTY_CASH');
  const [amountText, setAmount] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      className="form-grid"
      aria-label={t.tk('drawer.move')}
      onSubmit={(e) => {
        e.preventDefault();
        void move({ direction, kind, amountText, note }).then((ok) => {
          if (ok) {
            setAmount('');
            setNote('');
          }
        });
      }}
    >
      <h2>{t.tk('drawer.move')}</h2>
      <fieldset>
        <legend>{t.tk('drawer.direction')}</legend>
        <div className="choices">
          {(['IN', 'OUT'] as const).map((d) => (
            <label key={d} className="choice">
              <input
                type="radio"
                name="direction"
                checked={direction === d}
                onChange={() => setDirection(d)}
              />
              {t.tk(`drawer.direction.${d}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label={t.tk('drawer.kind')}>
        {(id) => (
          <select id={id} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="PETTY_CASH">{t.tk('drawer.kind.PETTY_CASH')}</option>
            <option value="SAFE_DROP">{t.tk('drawer.kind.SAFE_DROP')}</option>
          </select>
        )}
      </Field>
      <Field label={t.tk('drawer.amount')}>
        {(id) => (
          <input
            id={id}
            inputMode="decimal"
            value={amountText}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
        )}
      </Field>
      <Field label={t.tk('drawer.note')}>
        {(id) => <input id={id} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy !== null}>
          {t.tk('drawer.record')}
        </button>
        <Busy when={busy === 'drawer.move'} />
      </div>
    </form>
  );
}

function CloseForm() {
  const t = useMt();
  const close = useManager((s) => s.closeDrawer);
  const busy = useManager((s) => s.busy);
  const needsManager = useManager((s) => s.countNeedsManager);
  const self = useContext(ManagerSelf);
  const [counted, setCounted] = useState('');
  const [reason, setReason] = useState('');
  const [manager, setManager] = useState<ManagerCredentials>({
    managerId: self,
    managerPin: '',
  });
  return (
    <form
      className="form-grid"
      aria-label={t.tk('drawer.countAndClose')}
      onSubmit={(e) => {
        e.preventDefault();
        void close({
          countedText: counted,
          reason: needsManager ? reason : undefined,
          manager: needsManager ? manager : undefined,
        }).then(() => setManager((m) => ({ ...m, managerPin: '' })));
      }}
    >
      <h2>{t.tk('drawer.countAndClose')}</h2>
      <Field label={t.tk('drawer.counted.label')}>
        {(id) => (
          <input
            id={id}
            inputMode="decimal"
            value={counted}
            onChange={(e) => setCounted(e.target.value)}
            required
          />
        )}
      </Field>
      {needsManager ? (
        <>
          <ReasonField label={t.tk('drawer.reason')} value={reason} onChange={setReason} />
          <ManagerPin value={manager} onChange={setManager} />
        </>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          {t.tk('drawer.close')}
        </button>
        <Busy when={busy === 'drawer.close'} />
      </div>
    </form>
  );
}
