// Driver for oauth4webapi, used as its documentation shows: authorization server metadata written
// by hand (ProcessMaker publishes none), ClientSecretPost or ClientSecretBasic, a request function
// and its process* counterpart for each grant (genericTokenEndpointRequest for the password grant),
// protectedResourceRequest for the API. ProcessMaker serves plain http in tests, hence
// allowInsecureRequests (the library's opt-out for non-TLS development servers).
//
//   npm ci --prefix conformance/clients/drivers/js
//   pm3-conformance clients --driver "node conformance/clients/drivers/js/oauth4webapi.mjs"

import { readFileSync } from 'node:fs';
import * as oauth from 'oauth4webapi';
import { Failure, apiUrl, isMain, seconds, serve, tokenUrl } from './pm3-driver.mjs';

const VERSION = JSON.parse(
  readFileSync(new URL('./node_modules/oauth4webapi/package.json', import.meta.url)),
).version;

// ResponseBodyError: an OAuth error object with a status other than 200. OperationProcessingError:
// an answer the library will not take as a token (the HTTP 200 error object lands here too).
function failure(err) {
  if (err instanceof oauth.ResponseBodyError) {
    return new Failure('oauth', { error: err.error, error_description: err.error_description ?? null, status: err.status });
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return new Failure('http', { status: err.status, message: err.message });
  }
  if (err?.name === 'TimeoutError') return new Failure('timeout', { message: String(err) });
  if (err instanceof oauth.OperationProcessingError || err instanceof SyntaxError) {
    const status = err.cause instanceof Response ? err.cause.status : null;
    return new Failure('parse', { status, message: err.message });
  }
  if (err instanceof TypeError) return new Failure('transport', { message: `${err.message}: ${err.cause ?? ''}` });
  return new Failure('other', { message: `${err?.name}: ${err?.message}` });
}

export class OAuth4WebApiClient {
  name = `oauth4webapi ${VERSION}`;
  capabilities = {
    actions: ['login', 'authorize_code', 'client_credentials', 'refresh', 'call', 'login_and_call', 'find_user'],
    encodings: ['form'],
    client_auth: ['body', 'basic'],
    timeout: true,
  };
  token = null;

  setup(req) {
    const as = { issuer: req.server, token_endpoint: tokenUrl(req) };
    const client = { client_id: req.credentials.client_id };
    const secret = req.credentials.client_secret;
    const auth =
      req.options.client_auth === 'basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);
    const options = {
      [oauth.allowInsecureRequests]: true,
      signal: AbortSignal.timeout(seconds(req) * 1000),
    };
    return { as, client, auth, options };
  }

  async grant(req, exchange) {
    const { as, client, auth, options } = this.setup(req);
    try {
      const answer = await exchange(as, client, auth, options);
      // a refresh answer without a refresh token leaves the one held (RFC 6749 §6)
      this.token = { refresh_token: this.token?.refresh_token, ...answer };
    } catch (err) {
      throw failure(err);
    }
    return { state: this.token };
  }

  login(req) {
    const params = {
      username: req.credentials.username ?? '',
      password: req.credentials.password ?? '',
      scope: req.options.scope ?? '*',
    };
    this.token = null;
    return this.grant(req, async (as, client, auth, options) => {
      const response = await oauth.genericTokenEndpointRequest(as, client, auth, 'password', params, options);
      return oauth.processGenericTokenEndpointResponse(as, client, response);
    });
  }

  authorize_code(req) {
    const params = { code: req.options.code ?? '' };
    if (req.options.redirect_uri) params.redirect_uri = req.options.redirect_uri;
    this.token = null;
    return this.grant(req, async (as, client, auth, options) => {
      const response = await oauth.genericTokenEndpointRequest(as, client, auth, 'authorization_code', params, options);
      return oauth.processGenericTokenEndpointResponse(as, client, response);
    });
  }

  client_credentials(req) {
    this.token = null;
    return this.grant(req, async (as, client, auth, options) => {
      const response = await oauth.clientCredentialsGrantRequest(as, client, auth, {}, options);
      return oauth.processClientCredentialsResponse(as, client, response);
    });
  }

  refresh(req) {
    const refreshToken = this.refreshToken();
    return this.grant(req, async (as, client, auth, options) => {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, options);
      return oauth.processRefreshTokenResponse(as, client, response);
    });
  }

  refreshToken() {
    return this.token?.refresh_token ?? '';
  }

  async call(req) {
    const { options } = this.setup(req);
    let response;
    let body = null;
    try {
      const url = new URL(apiUrl(req));
      response = await oauth.protectedResourceRequest(this.token?.access_token ?? '', 'GET', url, undefined, undefined, options);
      body = await response.json().catch(() => null);
    } catch (err) {
      throw failure(err);
    }
    if (response.status !== 200) {
      const { code = null, message = null } = body?.error ?? {};
      throw new Failure('http', { status: response.status, error: code, error_description: message });
    }
    return { state: this.token, result: { status: response.status, body } };
  }

  async login_and_call(req) {
    await this.login(req); // the process* function throws on an error answer: no call
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

if (isMain(import.meta.url)) await serve(new OAuth4WebApiClient());
