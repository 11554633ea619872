/**
 * The real system behind the browser (helpers/system.ts): the bridge serves the built UI itself, without the
 * token, with its security headers; the API and the event stream still need the token; the page reaches the
 * real host, which reaches the real core (online).
 */
import { expect, test } from './helpers/fixtures';
import type { E2eSystem } from './helpers/system';

let sys: E2eSystem;
test.beforeEach(({ sys: s }) => {
  sys = s;
});

test('the bridge serves the UI with its headers; the API still needs the token; traversal is refused', async ({
  request,
}) => {
  const page = await request.get(`${sys.bridgeUrl}/`);
  expect(page.status()).toBe(200);
  expect(page.headers()['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(page.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(page.headers()['x-content-type-options']).toBe('nosniff');
  expect(page.headers()['referrer-policy']).toBe('no-referrer');
  expect(page.headers()['cache-control']).toBe('no-cache');
  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
  expect(script).toBeTruthy();
  const js = await request.get(`${sys.bridgeUrl}/${script}`);
  expect(js.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect(js.headers()['cache-control']).toContain('immutable');

  for (const bad of [
    '/../package.json',
    '/%2e%2e/package.json',
    '/assets%2f..%2f..%2fpackage.json',
    '/.env',
  ]) {
    const r = await request.get(`${sys.bridgeUrl}${bad}`);
    expect(r.status(), bad).toBe(404);
  }
  const noToken = await request.post(`${sys.bridgeUrl}/api/status`, { data: {} });
  expect(noToken.status()).toBe(401);
  const withToken = await request.post(`${sys.bridgeUrl}/api/status`, {
    data: {},
    headers: { Authorization: `Bearer ${sys.token}` },
  });
  expect(((await withToken.json()) as { ok: boolean }).ok).toBe(true);
});

test('the page opened from the printed address reaches the real host, which is online with the core', async ({
  page,
}) => {
  await page.goto(sys.uiUrl);
  await expect(page.getByTestId('status-connection')).toHaveText('Online', { timeout: 15_000 });
  // The token left the address bar.
  expect(page.url()).not.toContain('token');
});
