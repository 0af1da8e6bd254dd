// Driver for simple-oauth2 (ResourceOwnerPassword, ClientCredentials, AccessToken.refresh), used
// as its README shows: one client per grant, configured with tokenHost/tokenPath, the
// authorizationMethod (body or header) and bodyFormat (form or json) asked for, errors caught
// as the Boom errors the library throws. The API call is the kit's callApi (Node's fetch).
//
//   npm ci --prefix conformance/clients/drivers/js
//   pm3-conformance clients --driver "node conformance/clients/drivers/js/simple-oauth2.mjs"

import { readFileSync } from 'node:fs';
import { ClientCredentials, ResourceOwnerPassword } from 'simple-oauth2';
import { Failure, callApi, isMain, seconds, serve } from './pm3-driver.mjs';

const VERSION = JSON.parse(
  readFileSync(new URL('./node_modules/simple-oauth2/package.json', import.meta.url)),
).version;

// simple-oauth2 rejects with a Boom error: a 4xx/5xx answer carries its parsed body in
// data.payload; a timeout is 504 or 408; an unreadable answer 406 or 500; no answer 502.
function failure(err) {
  if (!err?.isBoom) return new Failure('other', { message: `${err?.name}: ${err?.message}` });
  const status = err.data?.res?.statusCode ?? null;
  const body = err.data?.payload;
  if (err.data?.isResponseError && typeof body?.error === 'string') {
    return new Failure('oauth', { error: body.error, error_description: body.error_description ?? null, status });
  }
  if (err.data?.isResponseError) return new Failure('http', { status, message: err.message });
  const code = err.output.statusCode;
  const kind = code === 504 || code === 408 ? 'timeout' : code === 502 ? 'transport' : 'parse';
  return new Failure(kind, { status, message: err.message });
}

export class SimpleOAuth2Client {
  name = `simple-oauth2 ${VERSION}`;
  capabilities = {
    actions: ['login', 'client_credentials', 'refresh', 'call', 'login_and_call', 'find_user'],
    encodings: ['form', 'json'],
    client_auth: ['body', 'basic'],
    timeout: true,
  };
  accessToken = null;

  config(req) {
    return {
      client: { id: req.credentials.client_id, secret: req.credentials.client_secret },
      auth: { tokenHost: req.server, tokenPath: `/${req.workspace}/oauth2/token` },
      options: {
        authorizationMethod: req.options.client_auth === 'basic' ? 'header' : 'body',
        bodyFormat: req.options.encoding === 'json' ? 'json' : 'form',
      },
    };
  }

  async grant(req, obtain) {
    try {
      this.accessToken = await obtain({ timeout: seconds(req) * 1000 });
    } catch (err) {
      throw failure(err);
    }
    return { state: this.accessToken.token };
  }

  login(req) {
    const client = new ResourceOwnerPassword(this.config(req));
    const params = {
      username: req.credentials.username,
      password: req.credentials.password,
      scope: req.options.scope ?? '*',
    };
    return this.grant(req, (http) => client.getToken(params, http));
  }

  client_credentials(req) {
    const client = new ClientCredentials(this.config(req));
    return this.grant(req, (http) => client.getToken({}, http));
  }

  refresh(req) {
    if (!this.accessToken) throw new Failure('other', { message: 'no token to refresh' });
    return this.grant(req, (http) => this.accessToken.refresh({}, http));
  }

  async call(req) {
    const result = await callApi(req, this.accessToken?.token.access_token);
    return { state: this.accessToken?.token, result };
  }

  async login_and_call(req) {
    await this.login(req); // rejects on an error answer the library recognises
    return this.call(req);
  }

  // GET users?filter=NAME, then the element whose usr_username is the name (the filter matches
  // part of a username, first or last name).
  async find_user(req) {
    const username = req.options.username ?? '';
    const resource = `users?${new URLSearchParams({ filter: username })}`;
    const { state, result } = await this.call({ ...req, options: { ...req.options, resource } });
    const found = Array.isArray(result.body) ? result.body.find((u) => u?.usr_username === username) : null;
    return { state, result: { ...result, body: found ?? null } };
  }
}

if (isMain(import.meta.url)) await serve(new SimpleOAuth2Client());
