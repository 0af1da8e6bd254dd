// pm3-conformance driver kit for JavaScript (Node 18+): the JSON-lines protocol
// (schemas/driver-message.schema.json) in one file. Copy it next to your driver, import it, and
// hand serve() an object with:
//   name          e.g. "my-client 2.1"
//   capabilities  { actions: ['login', 'refresh', 'call'], timeout: true, ... }
//   one async method per action (login, authorize_code, client_credentials, refresh, call), each
//   taking the request and returning { state: <token the client holds> } and, for call,
//   result: { status: <number>, body: <decoded body> }.
// A method reports the client's failure by throwing a Failure; anything else it throws is
// reported as kind "other". Protocol lines go to stdout, everything else to stderr.

import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export class Failure extends Error {
  /** @param kind oauth, http, transport, timeout, parse or other */
  constructor(kind, fields = {}) {
    super(fields.message ?? kind);
    this.kind = kind;
    this.fields = fields;
  }
}

export const tokenUrl = (req) => `${req.server.replace(/\/$/, '')}/${req.workspace}/oauth2/token`;

export const apiUrl = (req) =>
  `${req.server.replace(/\/$/, '')}/api/1.0/${req.workspace}/${req.options.resource ?? 'users'}`;

export const seconds = (req) => req.options.timeout ?? 30;

export function state(token) {
  const out = {};
  for (const key of ['access_token', 'refresh_token', 'expires_in', 'scope']) {
    if (token?.[key] !== undefined) out[key] = token[key];
  }
  return out;
}

/**
 * GET the request's /api/1.0 resource with a bearer token (Node's fetch): the call action's result,
 * or a Failure carrying Restler's {"error": {"code", "message"}} for any other status than 200.
 */
export async function callApi(req, accessToken) {
  let response;
  try {
    response = await fetch(apiUrl(req), {
      headers: { Authorization: `Bearer ${accessToken ?? ''}` },
      signal: AbortSignal.timeout(seconds(req) * 1000),
    });
  } catch (err) {
    throw new Failure(err.name === 'TimeoutError' ? 'timeout' : 'transport', { message: String(err) });
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  if (response.status !== 200) {
    const { code = null, message = null } = body?.error ?? {};
    throw new Failure('http', { status: response.status, error: code, error_description: message });
  }
  return { status: response.status, body };
}

/** true when the module whose import.meta.url is given is the script node was started with. */
export const isMain = (url) =>
  process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === url;

const write = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

export async function serve(client) {
  write({ type: 'hello', name: client.name, capabilities: client.capabilities });
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    req.options ??= {};
    const out = { type: 'outcome', id: req.id };
    try {
      if (!client.capabilities.actions.includes(req.action)) {
        throw new Failure('other', { message: `${req.action} is not implemented` });
      }
      const answer = await client[req.action](req);
      Object.assign(out, { ok: true, state: state(answer.state) });
      if (answer.result) out.result = answer.result;
    } catch (err) {
      out.ok = false;
      out.error =
        err instanceof Failure
          ? { kind: err.kind, ...err.fields }
          : { kind: 'other', message: `${err?.name}: ${err?.message}`.slice(0, 500) };
    }
    write(out);
  }
}
