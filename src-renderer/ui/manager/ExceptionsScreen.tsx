/**
 * Messages the core refused for good, for a manager: each with its order, code and the core's words; resolve
 * by ACKNOWLEDGE (reviewed, nothing sent) or RESEND (recorded again under a new id), with a note and a PIN.
 */
import { useContext, useState } from 'react';
import { localiseCoreTimes, type ManagerCredentials, type SyncException } from '../../state/manager-slice';
import { useManager, useMt, ManagerSelf } from './context';
import { Busy, ManagerPin, ReasonField } from './parts';

export function ExceptionsScreen() {
  const t = useMt();
  const list = useManager((s) => s.exceptions);
  const showResolved = useManager((s) => s.showResolved);
  const load = useManager((s) => s.loadExceptions);
  const [selected, setSelected] = useState<string | null>(null);
  const current = list?.find((e) => e.exceptionId === selected) ?? null;
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.exceptions')}>
      <label className="choice">
        <input type="checkbox" checked={showResolved} onChange={(e) => void load(e.target.checked)} />
        {t.tk('exceptions.showResolved')}
      </label>
      {list === null ? null : list.length === 0 ? (
        <p data-testid="exceptions-empty">{t.tk('exceptions.none')}</p>
      ) : (
        <ul className="exception-list" aria-label={t.tk('manager.title.exceptions')}>
          {list.map((e) => (
            <li key={e.exceptionId} className="card" data-testid="exception">
              <p>
                <strong>{t.tk(`queue.kind.${e.kind}`)}</strong> · <code>{e.code}</code> ·{' '}
                {t.dateTime(e.createdAt)}
                {e.orderId ? (
                  <>
                    {' '}
                    · {t.tk('queue.col.order')} <code>{e.orderId.slice(0, 8)}</code>
                  </>
                ) : null}
              </p>
              <p>{localiseCoreTimes(e.message, (iso) => t.dateTime(iso))}</p>
              {e.resolvedAt ? (
                <p className="detail">
                  {t.tk('exceptions.resolvedAt', {
                    at: t.dateTime(e.resolvedAt),
                    resolution: e.resolution ?? '',
                  })}
                </p>
              ) : (
                <button
                  type="button"
                  onClick={() => setSelected(e.exceptionId)}
                  aria-expanded={selected === e.exceptionId}
                >
                  {t.tk('exceptions.resolve')}
                </button>
              )}
              {current && current.exceptionId === e.exceptionId && !e.resolvedAt ? (
                <ResolveForm exception={current} onDone={() => setSelected(null)} />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ResolveForm({ exception, onDone }: { exception: SyncException; onDone: () => void }) {
  const t = useMt();
  const resolve = useManager((s) => s.resolveException);
  const busy = useManager((s) => s.busy);
  const self = useContext(ManagerSelf);
  const [note, setNote] = useState('');
  const [action, setAction] = useState<'ACKNOWLEDGE' | 'RESEND'>('ACKNOWLEDGE');
  const [manager, setManager] = useState<ManagerCredentials>({
    managerId: self,
    managerPin: '',
  });
  return (
    <form
      className="form-grid"
      aria-label={t.tk('exceptions.resolve')}
      onSubmit={(e) => {
        e.preventDefault();
        void resolve({ exceptionId: exception.exceptionId, action, note, manager }).then((ok) => {
          setManager((m) => ({ ...m, managerPin: '' }));
          if (ok) onDone();
        });
      }}
    >
      <fieldset>
        <legend>{t.tk('exceptions.action')}</legend>
        <div className="choices">
          {(['ACKNOWLEDGE', 'RESEND'] as const).map((a) => (
            <label key={a} className="choice">
              <input
                type="radio"
                name={`action-${exception.exceptionId}`}
                checked={action === a}
                onChange={() => setAction(a)}
              />
              {t.tk(`exceptions.action.${a}`)}
            </label>
          ))}
        </div>
        <p className="detail">{t.tk(`exceptions.actionHint.${action}`)}</p>
      </fieldset>
      <ReasonField label={t.tk('exceptions.note')} value={note} onChange={setNote} />
      <ManagerPin value={manager} onChange={setManager} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          {t.tk(`exceptions.submit.${action}`)}
        </button>
        <button type="button" onClick={onDone}>
          {t.tk('manager.cancel')}
        </button>
        <Busy when={busy === 'exception.resolve'} />
      </div>
    </form>
  );
}
