// Import cycles: walks the TypeScript sources under a root folder, resolves every relative import
// (type-only ones too: a cycle of types is still two modules that cannot be understood apart), and
// returns each cycle as a list of files. Used by test/unit/import-cycles.test.ts on the whole
// repository (every TypeScript source folder, scripts and the tests).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts'))
        out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** The file a relative specifier names: `./x` → x.ts, x.tsx or x/index.ts; `./x.js` → x.ts. */
function resolve(fromFile, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    ...EXTENSIONS.map((e) => stem + e),
    ...EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** Map of file → the files it imports (static, dynamic, re-exports, require), all under the given roots. */
export function importGraph(roots) {
  const files = roots.flatMap((r) => sourceFiles(path.resolve(r)));
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const ref of info.importedFiles) {
      const target = resolve(file, ref.fileName);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/**
 * Every cycle among the files under `roots` (Tarjan's strongly connected components; each component of
 * more than one file, or a file importing itself, is reported once as one closed path through it).
 */
export function importCycles(roots, relativeTo = process.cwd()) {
  const graph = importGraph(roots);
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const indices = new Map();
  const low = new Map();
  const components = [];
  const strongConnect = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) strongConnect(v);
  return components.map((component) => {
    // One closed path through the component, starting at its first file, for a readable message.
    const members = new Set(component);
    const start = [...component].sort()[0];
    const pathOut = [start];
    const seen = new Set([start]);
    let at = start;
    for (;;) {
      const next = (graph.get(at) ?? []).filter((w) => members.has(w));
      const unseen = next.find((w) => !seen.has(w));
      if (next.includes(start) && (unseen === undefined || pathOut.length === component.length)) break;
      if (unseen === undefined) break;
      pathOut.push(unseen);
      seen.add(unseen);
      at = unseen;
    }
    pathOut.push(start);
    return pathOut.map((f) => path.relative(relativeTo, f).split(path.sep).join('/'));
  });
}
