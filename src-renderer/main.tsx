import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectHost } from './host';
import { isLanguage } from './i18n/i18n';
import { createAppStore } from './state/store';
import { App } from './ui/App';
import { ManagerApp } from './ui/manager/ManagerApp';
import './ui/app.css';

const host = connectHost(window);
// `?lang=` pins the language; otherwise the browser's until the saved setting is read (loadSettings).
const fromAddress = new URLSearchParams(window.location.search).get('lang');
const requested = fromAddress ?? navigator.language.slice(0, 2);
const store = createAppStore(host, {
  language: isLanguage(requested) ? requested : 'en',
  languagePinned: fromAddress !== null && isLanguage(fromAddress),
});
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    {new URLSearchParams(window.location.search).get('area') === 'manager' ? (
      <ManagerApp store={store} host={host} />
    ) : (
      <App store={store} host={host} />
    )}
  </StrictMode>,
);
