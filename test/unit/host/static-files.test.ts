import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uiFilePath } from '../../../src-main/host/bridge/static-files';

const root = path.resolve('/srv/ui');

describe('uiFilePath: which URL paths the bridge serves from the UI directory', () => {
  it('serves index.html for / and files below the directory', () => {
    expect(uiFilePath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(uiFilePath(root, '/assets/index-AbCd1234.js')).toBe(path.join(root, 'assets/index-AbCd1234.js'));
  });
  it('refuses dot segments, encoded slashes and backslashes, NUL and hidden files', () => {
    for (const bad of [
      '/../package.json',
      '/assets/../../etc/passwd',
      '/%2e%2e/package.json',
      '/assets%2f..%2f..%2fpackage.json',
      '/assets%5c..%5cpackage.json',
      '/..\\package.json',
      '/index.html%00.js',
      '/.env',
      '/assets/.git/config',
      '/%E0%A4%A',
    ])
      expect(uiFilePath(root, bad), bad).toBeNull();
  });
});
