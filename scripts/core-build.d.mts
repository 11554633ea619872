/** The core built into one module to run with `node` (core-build.mjs): the path of that module. */
export function buildCore(root: string, entry: string): string;
