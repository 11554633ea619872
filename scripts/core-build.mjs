/**
 * The core as it runs: its TypeScript bundled by esbuild into one ES module under `dist/core/` and run by plain
 * `node`, not compiled file by file by tsx while it serves (issue 8, docs/core.md "The core as one built
 * module"). tsx keeps function names by wrapping every function the core creates at run time in `__name(…)`;
 * without that the core's thread spends about 5 % less CPU per refund and per subsequent payment.
 *
 * The same compiler as tsx (esbuild, the repository's tsconfig), so the code the tests run is the code that
 * serves; packages stay imports (`packages: 'external'`), resolved from the checkout's node_modules. Built
 * again on every start (about 60 ms; once per process per entry), so it is never stale, and written under a
 * temporary name then renamed, so processes starting at the same moment never read half a file.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** @type {Map<string, string>} */
const built = new Map();

/**
 * Bundles `entry` (a TypeScript file of the checkout at `root`) and returns the path of the module to run,
 * `dist/core/<entry's path with dashes>.mjs`, with its source map beside it (`node --enable-source-maps`).
 * @param {string} root
 * @param {string} entry
 * @returns {string}
 */
export function buildCore(root, entry) {
  const key = `${root}\0${entry}`;
  const known = built.get(key);
  if (known) return known;
  const name = path.relative(root, entry).replace(/\.ts$/, '').split(path.sep).join('-');
  const outfile = path.join(root, 'dist', 'core', `${name}.mjs`);
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    outfile,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(path.dirname(outfile), { recursive: true });
  // The map before the module, so a process that reads the new module finds its map whole.
  const files = [...result.outputFiles].sort(
    (a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')),
  );
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  built.set(key, outfile);
  return outfile;
}
