import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
// The probes are files that do not exist, so no tsconfig holds them: lint them without type information
// (the layering rule reads imports only; the type-checked rules are not what is probed here).
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'counter/layering').map((m) => m.message);
}

describe('layering lint (a violation fails npm test)', () => {
  it('keeps src-shared free of Node, the DOM side, Electron, React and other layers', async () => {
    expect(
      await layeringErrors(
        'src-shared/x.ts',
        "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
      ),
    ).toEqual(["src-shared must not import the Node built-in 'node:fs': it has to run without Node."]);
    expect(
      await layeringErrors('src-shared/x.ts', "import crypto from 'crypto';\nexport const a = crypto;\n"),
    ).toHaveLength(1);
    expect(
      await layeringErrors('src-shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await layeringErrors('src-shared/x.ts', "import React from 'react';\nexport const a = React;\n"),
    ).toHaveLength(1);
    expect(
      await layeringErrors('src-shared/x.ts', "import { a } from '../src-core/y';\nexport const b = a;\n"),
    ).toEqual(["src-shared must not import src-core ('../src-core/y'); allowed layers: src-shared."]);
    expect(
      await layeringErrors('src-shared/x.ts', "export const m = import('../src-main/y');\n"),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-shared/x.ts',
        "import { z } from 'zod';\nimport { ok } from './result';\nexport const a = [z, ok];\n",
      ),
    ).toEqual([]);
  });

  it('keeps src-renderer away from src-main, src-core, Node and Electron', async () => {
    expect(
      await layeringErrors(
        'src-renderer/App.tsx',
        "import { x } from '../src-main/host/api';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-renderer/App.tsx',
        "import { x } from '../src-core/main';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors('src-renderer/App.tsx', "import fs from 'fs';\nexport const a = fs;\n"),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-renderer/App.tsx',
        "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-renderer/App.tsx',
        "import { money } from '../src-shared/money';\nexport const a = money;\n",
      ),
    ).toEqual([]);
  });

  it('lets src-core import only src-shared among the layers', async () => {
    expect(
      await layeringErrors(
        'src-core/a.ts',
        "import { x } from '../src-main/zvt/codec';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-core/a.ts',
        "import { x } from '../src-renderer/App';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-core/a.ts',
        "import { createServer } from 'node:http';\nimport { money } from '../src-shared';\nexport const a = [createServer, money];\n",
      ),
    ).toEqual([]);
  });

  it('keeps src-main off src-core and src-renderer', async () => {
    expect(
      await layeringErrors(
        'src-main/host/a.ts',
        "import { x } from '../../src-core/main';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'src-main/host/a.ts',
        "import { x } from '../../src-renderer/App';\nexport const a = x;\n",
      ),
    ).toHaveLength(1);
  });

  describe('layers inside src-main/zvt: codec → link → transport → session → cli, the virtual terminal beside the session', () => {
    const probe = (file: string, spec: string) =>
      layeringErrors(`src-main/zvt/${file}`, `import { x } from '${spec}';\nexport const a = x;\n`);

    it.each([
      ['codec/x.ts', '../session/ecr-session', 'codec', 'session'],
      ['codec/x.ts', '../link/channel', 'codec', 'link'],
      ['link/x.ts', '../transport/byte-stream', 'link', 'transport'],
      ['transport/x.ts', '../session/types', 'transport', 'session'],
      ['session/x.ts', '../cli/format', 'session', 'cli'],
      ['session/x.ts', '../virtual-terminal/terminal', 'session', 'virtual-terminal'],
      ['virtual-terminal/x.ts', '../session/details', 'virtual-terminal', 'session'],
      ['virtual-terminal/x.ts', '../cli/args', 'virtual-terminal', 'cli'],
    ])('%s importing %s fails lint', async (file, spec, from, to) => {
      const errors = await probe(file, spec);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`src-main/zvt/${from} must not import src-main/zvt/${to}`);
    });

    it('a type-only import counts too, and a nested file is judged by its folder', async () => {
      expect(
        await layeringErrors(
          'src-main/zvt/codec/tables/x.ts',
          "import type { EcrSession } from '../../session/ecr-session';\nexport type A = EcrSession;\n",
        ),
      ).toHaveLength(1);
    });

    it.each([
      ['link/x.ts', '../codec/framing'],
      ['transport/x.ts', '../link/serial-link'],
      ['session/x.ts', '../transport/connect'],
      ['session/x.ts', '../codec/messages'],
      ['virtual-terminal/x.ts', '../link/serial-link'],
      ['virtual-terminal/x.ts', '../transport/byte-stream'],
      ['cli/x.ts', '../session/ecr-session'],
      ['cli/x.ts', '../virtual-terminal/terminal'],
      ['codec/x.ts', './tables/texts'],
    ])('%s may import %s', async (file, spec) => {
      expect(await probe(file, spec)).toEqual([]);
    });

    it('a new folder must be put in the layer table before it imports a sibling', async () => {
      expect(await probe('receipts/x.ts', '../codec/bytes')).toEqual([
        "src-main/zvt/receipts is not in the layer table of src-main/zvt (scripts/eslint-layering.js); add it before it imports '../codec/bytes'.",
      ]);
    });
  });
  describe('layers inside src-core: db → ledger → journal and acquirer → payments → routing → adapters (siblings) → composition', () => {
    const probe = (file: string, spec: string) =>
      layeringErrors(`src-core/${file}`, `import { x } from '${spec}';\nexport const a = x;\n`);
    it.each([
      ['ledger/x.ts', '../online/payments', 'ledger', 'online'],
      ['ledger/x.ts', '../backoffice/actions', 'ledger', 'backoffice'],
      ['ledger/x.ts', '../sync/push', 'ledger', 'sync'],
      ['ledger/x.ts', '../routing/api-error', 'ledger', 'routing'],
      ['ledger/x.ts', '../journal/journal', 'ledger', 'journal'],
      ['journal/x.ts', '../online/routes', 'journal', 'online'],
      ['journal/x.ts', '../admin/routes', 'journal', 'admin'],
      ['journal/x.ts', '../routing/api-error', 'journal', 'routing'],
      ['journal/x.ts', '../payments/refund', 'journal', 'payments'],
      ['acquirer/x.ts', '../journal/journal', 'acquirer', 'journal'],
      ['db/x.ts', '../ledger/store', 'db', 'ledger'],
      ['idempotence/x.ts', '../journal/entries', 'idempotence', 'journal'],
      ['payments/x.ts', '../online/payments', 'payments', 'online'],
      ['payments/x.ts', '../routing/api-error', 'payments', 'routing'],
      ['payments/x.ts', '../backoffice/actions', 'payments', 'backoffice'],
      ['payments/x.ts', '../sync/reservations', 'payments', 'sync'],
      ['ledger/x.ts', '../payments/money-back', 'ledger', 'payments'],
      ['journal/x.ts', '../payments/money-back', 'journal', 'payments'],
      ['routing/x.ts', '../backoffice/routes', 'routing', 'backoffice'],
      ['online/x.ts', '../backoffice/actions', 'online', 'backoffice'],
      ['online/x.ts', '../sync/routes', 'online', 'sync'],
      ['backoffice/x.ts', '../online/maintenance', 'backoffice', 'online'],
      ['backoffice/x.ts', '../sync/feed-waiters', 'backoffice', 'sync'],
      ['sync/x.ts', '../admin/routes', 'sync', 'admin'],
      ['admin/x.ts', '../sync/push', 'admin', 'sync'],
    ])('%s importing %s fails lint', async (file, spec, from, to) => {
      const errors = await probe(file, spec);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`src-core/${from} must not import src-core/${to}`);
    });
    it('no folder imports the composition at the root (server, main, CLI)', async () => {
      expect(await probe('online/x.ts', '../server')).toEqual([
        "src-core/online must not import src-core/server ('../server'): the files at the root of src-core are the composition, above every folder.",
      ]);
      expect(await probe('journal/x.ts', '../main')).toHaveLength(1);
      expect(await probe('admin/x.ts', '../cli')).toHaveLength(1);
    });
    it('no file is excepted: the admin API reaches the operator commands inside admin/, not at the root', async () => {
      expect(await probe('admin/routes.ts', '../cli')).toHaveLength(1);
      expect(await probe('admin/routes.ts', '../run-core')).toHaveLength(1);
      expect(await probe('admin/routes.ts', './commands')).toEqual([]);
    });
    it('no ledger file may import the journal or the use cases any more (the use cases moved to payments/)', async () => {
      for (const file of ['ledger/money-back.ts', 'ledger/authorisation-draws.ts', 'ledger/refund-lock.ts']) {
        expect(await probe(file, '../journal/journal')).toHaveLength(1);
        expect(await probe(file, '../journal/entries')).toHaveLength(1);
        expect(await probe(file, '../payments/money-back')).toHaveLength(1);
      }
      expect(await probe('journal/record.ts', '../payments/refund-lock')).toHaveLength(1);
      expect(await probe('acquirer/x.ts', '../payments/refund')).toHaveLength(1);
    });
    it.each([
      ['ledger/x.ts', '../db/adapter'],
      ['ledger/x.ts', '../idempotence/claim-liveness'],
      ['journal/x.ts', '../ledger/service'],
      ['journal/x.ts', '../acquirer/acquirer'],
      ['journal/x.ts', '../idempotence/claims'],
      ['payments/x.ts', '../journal/journal'],
      ['payments/x.ts', '../journal/entries'],
      ['payments/x.ts', '../ledger/refund-lock'],
      ['online/x.ts', '../payments/refund'],
      ['backoffice/x.ts', '../payments/refund'],
      ['sync/x.ts', '../payments/counter-refunds'],
      ['routing/x.ts', '../journal/outcome'],
      ['online/x.ts', '../routing/contract'],
      ['backoffice/x.ts', '../routing/api-error'],
      ['sync/x.ts', '../accounts/accounts'],
      ['admin/x.ts', '../journal/journal'],
      ['server.ts', './online/routes'],
      ['main.ts', './cli'],
    ])('%s may import %s', async (file, spec) => {
      expect(await probe(file, spec)).toEqual([]);
    });
  });
});
