/**
 * End of day: the X report (the day so far, closes nothing), then "Close the day" → the terminal's End-of-Day
 * and the Z report on screen, printable. While anything waits for the core the screen warns, and closing
 * needs a tick that the manager knows.
 */
import { useState } from 'react';
import type { ZReport } from '../../state/manager-slice';
import { useManager, useMt } from './context';
import { Busy } from './parts';

interface CounterTotals {
  cardSalesMinor: number;
  cardSalesCount: number;
  cardVoidsMinor: number;
  cashSalesMinor: number;
  cashSalesCount: number;
  refunds: Record<string, number>;
}
interface TerminalTotals {
  ok: boolean;
  totalMinor: number;
  count: number;
  error: string | null;
}

export function DayScreen() {
  const t = useMt();
  const preview = useManager((s) => s.preview);
  const z = useManager((s) => s.zReport);
  const busy = useManager((s) => s.busy);
  const previewDay = useManager((s) => s.previewDay);
  const closeDay = useManager((s) => s.closeDay);
  const [knowingly, setKnowingly] = useState(false);
  const queued = preview?.queued ?? 0;
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.day')}>
      {z ? (
        <>
          <Report report={z} title={t.tk('day.zTitle', { day: z.businessDay })} />
          <div className="actions no-print">
            <button type="button" className="primary" onClick={() => window.print()}>
              {t.tk('day.print')}
            </button>
          </div>
        </>
      ) : (
        <>
          <div className="actions">
            <button type="button" onClick={() => void previewDay()} disabled={busy !== null}>
              {t.tk('day.refresh')}
            </button>
            <Busy when={busy === 'day.preview' || busy === 'day.close'} />
          </div>
          {preview ? (
            <Report report={preview} title={t.tk('day.xTitle', { day: preview.businessDay })} />
          ) : null}
          {queued > 0 ? (
            <label className="choice">
              <input type="checkbox" checked={knowingly} onChange={(e) => setKnowingly(e.target.checked)} />
              {t.tp('day.closeAnyway', queued)}
            </label>
          ) : null}
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy !== null || preview === null || (queued > 0 && !knowingly)}
              onClick={() => void closeDay()}
            >
              {t.tk('day.close')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

const differs = (d: ZReport['differences'][number]) =>
  (d.terminalMinor !== null && d.terminalMinor !== d.counterMinor) ||
  (d.coreMinor !== null && d.coreMinor !== d.counterMinor);

function Report({ report, title }: { report: ZReport; title: string }) {
  const t = useMt();
  const c = report.counter as CounterTotals;
  const term = report.terminal as TerminalTotals | null;
  const refundRows = Object.entries(c.refunds ?? {}).filter(([, v]) => v > 0);
  return (
    <article className="report card" aria-labelledby="report-title" data-testid="day-report">
      <h2 id="report-title">{title}</h2>
      <p className="detail">
        {t.dateTime(report.from)} – {t.dateTime(report.to)}
      </p>
      <table className="grid">
        <tbody>
          <tr>
            <th scope="row">{t.tk('day.cardSales', { count: c.cardSalesCount })}</th>
            <td className="num">{t.minor(c.cardSalesMinor)}</td>
          </tr>
          <tr>
            <th scope="row">{t.tk('day.cashSales', { count: c.cashSalesCount })}</th>
            <td className="num">{t.minor(c.cashSalesMinor)}</td>
          </tr>
          <tr>
            <th scope="row">{t.tk('day.voids')}</th>
            <td className="num">{t.minor(c.cardVoidsMinor)}</td>
          </tr>
          {refundRows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{t.tk(`day.refunds.${k}`)}</th>
              <td className="num">{t.minor(v)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t.tk('day.deposits', { count: report.deposits.count })}</th>
            <td className="num">{t.minor(report.deposits.depositsMinor)}</td>
          </tr>
          {term ? (
            <tr>
              <th scope="row">{t.tk('day.terminalTotal', { count: term.count })}</th>
              <td className="num">{term.ok ? t.minor(term.totalMinor) : (term.error ?? '—')}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row">{t.tk('day.queued')}</th>
            <td className="num" data-testid="day-queued">
              {report.queued}
            </td>
          </tr>
        </tbody>
      </table>
      {report.differences.length > 0 ? (
        <>
          <h3>{t.tk('day.differences')}</h3>
          <ul>
            {report.differences.map((d, i) => (
              <li key={i} className={differs(d) ? 'tone-bad' : undefined}>
                {differs(d) ? `${t.tk('day.differs')}: ` : ''}
                {d.what}: {t.tk('reconcile.counter')} {t.minor(d.counterMinor)}
                {d.terminalMinor !== null ? ` · ${t.tk('day.terminal')} ${t.minor(d.terminalMinor)}` : ''}
                {d.coreMinor !== null ? ` · ${t.tk('reconcile.core')} ${t.minor(d.coreMinor)}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.balancesOwed.length > 0 ? (
        <>
          <h3>{t.tk('day.balancesOwed')}</h3>
          <ul>
            {report.balancesOwed.map((b) => (
              <li key={b.orderId}>
                {b.customer ?? '—'} · <code>{b.orderId.slice(0, 8)}</code> · {t.minor(b.balanceDueMinor)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.warnings.length > 0 ? (
        <ul className="warnings" aria-label={t.tk('day.warnings')}>
          {report.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
