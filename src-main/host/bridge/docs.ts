/**
 * The bridge's API reference, generated from the contract (so it cannot drift from what is served): JSON for
 * scripts, and the same as a plain HTML page for store IT. Schemas are JSON Schema draft 2020-12 of the
 * request as sent (`io: 'input'`), as the core's OpenAPI generator does.
 */
import { z } from 'zod';
import type { BridgeContract } from './contract';

export interface BridgeDocs {
  title: string;
  authentication: string;
  answers: string;
  commands: {
    name: string;
    method: 'POST';
    path: string;
    summary: string;
    input: unknown;
    output: unknown;
  }[];
  events: { name: string; summary: string; payload: unknown; frame: string }[];
  eventsPath: string;
}

const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

export function bridgeDocs(contract: BridgeContract, title: string): BridgeDocs {
  return {
    title,
    authentication:
      "Every request needs this launch's token: header 'Authorization: Bearer <token>'; for the WebSocket, " +
      "the subprotocol 'bearer.<token>'. Only 127.0.0.1 is served; pages of other origins are refused.",
    answers:
      '200 {"ok":true,"value":…}; otherwise {"ok":false,"error":{"code","message","field?"}} with the ' +
      "catalog code's HTTP status (src-shared/errors.ts).",
    commands: Object.entries(contract.commands)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, spec]) => ({
        name,
        method: 'POST' as const,
        path: `/api/${name}`,
        summary: spec.summary ?? '',
        input: jsonSchema(spec.input),
        output: jsonSchema(spec.output),
      })),
    eventsPath: '/events',
    events: Object.entries(contract.events)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, spec]) => ({
        name,
        summary: spec.summary ?? '',
        payload: jsonSchema(spec.payload),
        frame: `{"event":"${name}","payload":…}`,
      })),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const pre = (v: unknown) => `<pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>`;

export function bridgeDocsHtml(docs: BridgeDocs): string {
  const commands = docs.commands
    .map(
      (c) =>
        `<section><h3>${c.method} ${escapeHtml(c.path)}</h3><p>${escapeHtml(c.summary)}</p>` +
        `<h4>Request body</h4>${pre(c.input)}<h4>value</h4>${pre(c.output)}</section>`,
    )
    .join('\n');
  const events = docs.events
    .map(
      (e) =>
        `<section><h3>${escapeHtml(e.name)}</h3><p>${escapeHtml(e.summary)}</p>` +
        `<p><code>${escapeHtml(e.frame)}</code></p>${pre(e.payload)}</section>`,
    )
    .join('\n');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(docs.title)}</title>` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}pre{background:#f4f4f4;padding:.5rem;overflow:auto}</style>` +
    `</head><body><h1>${escapeHtml(docs.title)}</h1><p>${escapeHtml(docs.authentication)}</p>` +
    `<p>${escapeHtml(docs.answers)}</p><h2>Commands</h2>${commands}` +
    `<h2>Events (WebSocket ${escapeHtml(docs.eventsPath)})</h2>${events}</body></html>`
  );
}
