import { BasketView } from './Basket';
import { useApp, useT } from './context';
import { ItemSearch } from './ItemSearch';
import { Tender } from './Tender';

export function SaleScreen() {
  const t = useT();
  const notice = useApp((s) => s.notice);
  return (
    <main className="sale" aria-labelledby="sale-title">
      <div className="sale-head">
        <h1 id="sale-title">{t.t('sale.title')}</h1>
        <p className="hint">{t.t('sale.scanHint')}</p>
      </div>
      <ItemSearch />
      <p className="notice" role="status" data-testid="notice">
        {notice ? (notice.text ?? t.t(notice.key, notice.params)) : '\u00a0'}
      </p>
      <div className="sale-body">
        <BasketView />
        <Tender />
      </div>
    </main>
  );
}
