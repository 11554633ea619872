import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectHost } from './host';
import { isLanguage } from './i18n/i18n';
import { createAppStore } from './state/store';
import { App } from './ui/App';
import { ManagerApp } from './ui/manager/ManagerApp';
import './ui/app.css';

const host = connectHost(window);
const requested = new URLSearchParams(window.location.search).get('lang') ?? navigator.language.slice(0, 2);
const store = createAppStore(host, { language: isLanguage(requested) ? requested : 'en' });
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
