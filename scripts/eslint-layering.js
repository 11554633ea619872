// Layering rule: which folder may import what. It makes the architecture's dependency directions
// mechanical (a violation fails `npm test`), instead of leaving them to review.
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_BUILTINS = new Set(builtinModules);
const LAYERS = ['src-shared', 'src-main', 'src-renderer', 'src-core'];

/**
 * Per layer: the other layers it may import, whether Node built-ins are allowed, and which npm packages
 * are allowed (`'*'` = any except the denied ones).
 */
export const LAYER_RULES = {
  'src-shared': { layers: ['src-shared'], node: false, packages: ['zod'], deny: [] },
  'src-renderer': {
    layers: ['src-renderer', 'src-shared'],
    node: false,
    packages: '*',
    deny: ['electron', 'serialport', 'better-sqlite3', 'pg', 'fastify', '@electric-sql/pglite'],
  },
  'src-core': {
    layers: ['src-core', 'src-shared'],
    node: true,
    packages: '*',
    deny: ['electron', 'react', 'react-dom', 'zustand', 'serialport', 'better-sqlite3'],
  },
  'src-main': {
    layers: ['src-main', 'src-shared'],
    node: true,
    packages: '*',
    deny: ['react', 'react-dom', 'zustand'],
  },
};

/**
 * Layers inside a top folder: per area (a folder relative to the repository root), each sub-folder and the
 * sibling sub-folders it may import. A sub-folder that is not in its area's table may not be imported by
 * a listed one (add it to the table first). Files at the area's root are not restricted; in an area listed
 * in ROOT_FILES_ON_TOP they are the composition (server, main, CLI) and no sub-folder may import them.
 */
const CORE_BELOW_USE_CASES = ['db', 'security', 'idempotence', 'ledger', 'accounts', 'acquirer', 'journal'];
const CORE_BELOW_ADAPTERS = [...CORE_BELOW_USE_CASES, 'payments', 'routing'];

export const INTERNAL_LAYERS = {
  // codec → link → transport → session → cli; the virtual terminal (the PT side) sits beside the session.
  'src-main/zvt': {
    codec: [],
    link: ['codec'],
    transport: ['codec', 'link'],
    session: ['codec', 'link', 'transport'],
    'virtual-terminal': ['codec', 'link', 'transport'],
    cli: ['codec', 'link', 'transport', 'session', 'virtual-terminal'],
  },
  // storage → ledger rules and store → journal and acquirer → use cases → adapter kit → adapters (siblings)
  // → composition (server.ts, register-apis.ts, change-signals.ts) → run-core.ts → main.ts (docs/core.md "Layout").
  'src-core': {
    db: [],
    security: ['db'],
    // Idempotence claims (which claim a request holds, whether its process lives): below the ledger and the
    // journal, which write only under a live claim. Claiming keys and replaying answers is routing/'s.
    idempotence: ['db'],
    ledger: ['db', 'security', 'idempotence'],
    // Merchants, API keys, terminals and the credential cache.
    accounts: ['db', 'security', 'ledger'],
    acquirer: ['db', 'security', 'ledger'],
    journal: ['db', 'security', 'idempotence', 'ledger', 'acquirer'],
    // The use-case layer (issue 8): each money operation once, called by every adapter.
    payments: CORE_BELOW_USE_CASES,
    // The adapter kit: the route contract and OpenAPI, the error shape, v1HMAC auth, idempotent POSTs.
    routing: [...CORE_BELOW_USE_CASES, 'payments'],
    // The adapters, siblings that never import each other.
    online: CORE_BELOW_ADAPTERS,
    backoffice: CORE_BELOW_ADAPTERS,
    sync: CORE_BELOW_ADAPTERS,
    admin: CORE_BELOW_ADAPTERS,
  },
};

/** Areas whose root files are the composition, above every sub-folder. */
export const ROOT_FILES_ON_TOP = ['src-core'];

/** The area, its sub-folder (null for a file at the area's root) and the path inside the area. */
function internalLayerOf(absPath) {
  const rel = path.relative(ROOT, absPath).split(path.sep).join('/');
  for (const area of Object.keys(INTERNAL_LAYERS)) {
    if (!rel.startsWith(`${area}/`)) continue;
    const inArea = rel.slice(area.length + 1);
    const rest = inArea.split('/');
    const file = inArea.replace(/\.(m|c)?js$/, '.ts');
    return rest.length > 1 ? { area, folder: rest[0], file } : { area, folder: null, file };
  }
  return null;
}

/** A message if importing `targetAbs` from `fileAbs` goes up or sideways inside an area, otherwise null. */
function internalLayerViolation(fileAbs, targetAbs, spec) {
  const from = internalLayerOf(fileAbs);
  const to = internalLayerOf(targetAbs);
  if (!from || !to || from.area !== to.area || from.folder === null) return null;
  if (to.folder === null) {
    if (!ROOT_FILES_ON_TOP.includes(from.area)) return null;
    return `${from.area}/${from.folder} must not import ${from.area}/${to.file} ('${spec}'): the files at the root of ${from.area} are the composition, above every folder.`;
  }
  if (from.folder === to.folder) return null;
  const table = INTERNAL_LAYERS[from.area];
  const allowed = table[from.folder];
  if (allowed === undefined) {
    return `${from.area}/${from.folder} is not in the layer table of ${from.area} (scripts/eslint-layering.js); add it before it imports '${spec}'.`;
  }
  if (allowed.includes(to.folder)) return null;
  const may = allowed.length > 0 ? allowed.join(', ') : 'nothing else';
  return `${from.area}/${from.folder} must not import ${from.area}/${to.folder} ('${spec}'): inside ${from.area}, ${from.folder} may import ${may}.`;
}

function layerOf(absPath) {
  const rel = path.relative(ROOT, absPath);
  const top = rel.split(path.sep)[0];
  return LAYERS.includes(top) ? top : null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Returns a message if `spec` imported from `file` breaks the layering, otherwise null. */
export function layeringViolation(file, spec) {
  const from = layerOf(path.resolve(file));
  if (!from) return null;
  const rule = LAYER_RULES[from];
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = layerOf(path.resolve(path.dirname(path.resolve(file)), spec));
    if (target === null) {
      return `${from} must not import '${spec}': it leaves the layer folders (allowed: ${rule.layers.join(', ')}).`;
    }
    if (!rule.layers.includes(target)) {
      return `${from} must not import ${target} ('${spec}'); allowed layers: ${rule.layers.join(', ')}.`;
    }
    const fileAbs = path.resolve(file);
    return internalLayerViolation(fileAbs, path.resolve(path.dirname(fileAbs), spec), spec);
  }
  if (spec.startsWith('node:') || NODE_BUILTINS.has(packageName(spec))) {
    return rule.node
      ? null
      : `${from} must not import the Node built-in '${spec}': it has to run without Node.`;
  }
  const name = packageName(spec);
  if (LAYERS.includes(name)) {
    return rule.layers.includes(name) ? null : `${from} must not import ${name}.`;
  }
  if (rule.deny.includes(name)) return `${from} must not import '${name}'.`;
  if (rule.packages !== '*' && !rule.packages.includes(name)) {
    return `${from} may only import ${rule.packages.join(', ')} from npm, not '${name}'.`;
  }
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports pointing in the directions the architecture allows.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const message = layeringViolation(file, source.value);
      if (message) context.report({ node, message });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          check(node, node.arguments[0]);
      },
    };
  },
};

export default { rules: { layering: rule } };
