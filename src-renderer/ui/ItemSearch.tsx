import { useEffect, useId, useState } from 'react';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';

/**
 * Search the catalogue as you type (catalogue.search): a combobox with its list of items. Arrow keys move
 * through the results, Enter adds the highlighted one (the first when none is), Escape clears; a tap adds an
 * item too. Keys typed here stay here: the sale screen's scanner listener leaves text fields alone, so a scan
 * while the field has focus types the barcode into the search (which finds the item by barcode).
 */
export function ItemSearch() {
  const t = useT();
  const search = useApp((s) => s.search);
  const currency = useApp((s) => s.currency);
  const searchItems = useApp((s) => s.searchItems);
  const addItem = useApp((s) => s.addSearchedItem);
  const [active, setActive] = useState(-1);
  const id = useId();
  const listId = `${id}-results`;
  const results = search.results;
  const open = search.query.trim() !== '' && search.answered !== null;
  useEffect(() => setActive(-1), [results]);

  const pick = (n: number) => {
    const item = results[n];
    if (item) addItem(item);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && results.length > 0) {
      e.preventDefault();
      setActive((a) => (a + 1) % results.length);
    } else if (e.key === 'ArrowUp' && results.length > 0) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? results.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (search.answered === search.query) pick(active < 0 ? 0 : active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      void searchItems('');
    }
  };

  return (
    <div className="item-search">
      <label htmlFor="item-search">{t.t('sale.search')}</label>
      <input
        id="item-search"
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open && results.length > 0}
        aria-controls={listId}
        aria-describedby={`${id}-hint`}
        aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
        value={search.query}
        onChange={(e) => void searchItems(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {/* A zero-height anchor: the list lies over what is below instead of pushing the basket down. */}
      <div className="search-pop">
        <ul
          id={listId}
          role="listbox"
          aria-label={t.t('sale.searchResults')}
          className="search-results"
          hidden={!open || results.length === 0}
        >
          {results.map((item, n) => (
            <li
              key={item.sku}
              id={`${id}-opt-${n}`}
              role="option"
              aria-selected={n === active}
              className={n === active ? 'active' : undefined}
              // mousedown would take focus from the field first; the pick keeps the field focused for the next.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(n)}
            >
              <span>{item.name}</span>
              <span className="sku">{item.sku}</span>
              <span className="price">{t.amount(money(item.priceMinor, currency))}</span>
            </li>
          ))}
        </ul>
      </div>
      <span id={`${id}-hint`} className="hint">
        {t.t('sale.searchHint')}
      </span>
      <p className="search-status" role="status" data-testid="search-status">
        {!open
          ? '\u00a0'
          : search.error
            ? search.error
            : results.length === 0
              ? t.t('sale.searchNone', { query: search.query.trim() })
              : t.t('sale.searchCount', { count: results.length })}
      </p>
    </div>
  );
}
