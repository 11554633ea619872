/**
 * No import cycles anywhere (issue 8): every source folder and the tests with their helpers. The core's
 * last cycles (online-API router ↔ server ↔ handlers; journal.ts ↔ recording-failures.ts) are gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
// @ts-expect-error: a plain JS script without declarations (it runs under node as well)
import { importCycles } from '../../scripts/import-cycles.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const findCycles = importCycles as (roots: string[], relativeTo?: string) => string[][];

describe('import cycles', () => {
  test('src-core, src-main, src-renderer, src-shared, scripts and test have none', () => {
    const roots = ['src-core', 'src-main', 'src-renderer', 'src-shared', 'scripts', 'test'];
    expect(
      findCycles(
        roots.map((r) => path.join(root, r)),
        root,
      ),
    ).toEqual([]);
  });

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'counter-cycles-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    fs.writeFileSync(path.join(scratch, file), text);
  };

  test('the walker finds a cycle through type-only imports, re-exports and index files, and names it', () => {
    write('a/flows.ts', "import type { T } from './terminal';\nexport const f = (t: T) => t;\n");
    write('a/terminal.ts', "import { f } from './flows';\nexport type T = number;\nexport const g = f;\n");
    write('b/index.ts', "export * from './one';\n");
    write('b/one.ts', "import { two } from './two.js';\nexport const one = two;\n");
    write('b/two.ts', "export const two = () => import('.');\n");
    write('c/alone.ts', "import { one } from '../b/one';\nexport const x = one;\n");
    const cycles = findCycles([scratch], scratch).map((c) => c.join(' → '));
    expect(cycles.sort()).toEqual([
      'a/flows.ts → a/terminal.ts → a/flows.ts',
      'b/index.ts → b/one.ts → b/two.ts → b/index.ts',
    ]);
  });
});
