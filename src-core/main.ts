/** `npm run core`: the core as a process (run-core.ts), with nothing test-only in it. */
import { exitWith, runCore } from './run-core';

exitWith(runCore(process.argv.slice(2)));
