#!/usr/bin/env node
// `npm run core`: src-core/main.ts built into one module (core-build.mjs) and run in this process, its
// stack traces pointing at the TypeScript sources. Arguments pass through (`npm run core -- help`).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCore } from './core-build.mjs';

const root = path.resolve(import.meta.dirname, '..');
process.setSourceMapsEnabled(true);
await import(pathToFileURL(buildCore(root, path.join(root, 'src-core', 'main.ts'))).href);
