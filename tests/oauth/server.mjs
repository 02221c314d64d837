// A real OAuth 2.1 authorization server for the integration tests: three oidc-provider instances on
// free loopback ports, started together and stopped when stdin closes (the test dropping its child).
//
// - "issuer": the authorization server the MCP server trusts. Access tokens are JWTs for the
//   resource the client names (RFC 8707), carrying the scopes the client is allowed and asks for.
// - "twin": claims the same issuer name but signs with keys of its own (a forged token).
// - "stranger": another issuer altogether.
//
// Clients (client_credentials, secret "secret"): reader (hostaway:read), writer (read and write),
// manager (read, write and finance). Others register themselves (dynamic client registration) and
// use the authorization code flow with PKCE; its login and consent pages are stood in for by
// /interaction/<uid>, which signs in the user named by the X-Test-User header (a browser the test
// drives sends it) and grants the scopes asked for when the user may have them all (USERS), else
// denies access.
// The line printed once every instance listens is JSON:
// {"issuer": "...", "twin": "...", "stranger": "..."} with each one's base URL.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import Provider from 'oidc-provider';

const SCOPES = ['hostaway:read', 'hostaway:write', 'hostaway:finance'];
const CLIENTS = {
  reader: 'hostaway:read',
  writer: 'hostaway:read hostaway:write',
  manager: 'hostaway:read hostaway:write hostaway:finance',
};

/** The people who can sign in, and the scopes each may be granted. */
const USERS = {
  ana: SCOPES,
  carl: ['hostaway:read'],
};

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' }] };
}

function provider(issuer) {
  const provider = new Provider(issuer, {
    jwks: signingKeys(),
    clients: Object.entries(CLIENTS).map(([id, scope]) => ({
      client_id: id,
      client_secret: 'secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope,
    })),
    scopes: SCOPES,
    findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id, email: `${id}@example.com` }) }),
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: () => ({
          scope: SCOPES.join(' '),
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.proxy = true;
  return provider;
}

/** Signs in the user the browser names and grants what they asked for and may have. */
async function interact(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const user = req.headers['x-test-user'] || 'ana';
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: user } }, { mergeWithLastSubmission: false });
    return;
  }
  const accountId = details.session.accountId;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const allowed = USERS[accountId] || [];
  const asked = Object.entries(missing.missingResourceScopes || {});
  const refused = asked.flatMap(([, scopes]) => scopes.filter((scope) => !allowed.includes(scope)));
  if (refused.length > 0) {
    const error_description = `${accountId} may not have ${refused.join(' ')}`;
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description });
    return;
  }
  for (const [resource, scopes] of asked) grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * A registration with the `scope` it names left out, so the client may later ask for any scope the
 * server offers (a step-up), as Keycloak or Auth0 let dynamically registered clients do;
 * oidc-provider would otherwise hold it to the scopes named at registration.
 */
async function withoutRegisteredScope(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const metadata = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  delete metadata.scope;
  const body = Buffer.from(JSON.stringify(metadata));
  return Object.assign(Readable.from([body]), {
    headers: { ...req.headers, 'content-length': String(body.length) },
    method: req.method,
    url: req.url,
    socket: req.socket,
    connection: req.socket,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
  });
}

/** The provider's own routes, with /interaction/<uid> in front of them. */
function withInteractions(provider) {
  const callback = provider.callback();
  return (req, res) => {
    if (req.method === 'POST' && req.url === '/reg') {
      withoutRegisteredScope(req).then((registration) => callback(registration, res));
      return;
    }
    if (req.url.startsWith('/interaction/')) {
      interact(provider, req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    callback(req, res);
  };
}

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function base(server) {
  return `http://127.0.0.1:${server.address().port}`;
}

// The issuer name has to be known before its server listens, so a port is reserved first.
const issuerServer = await listen(() => {});
const issuer = base(issuerServer);
issuerServer.removeAllListeners('request');
issuerServer.on('request', withInteractions(provider(issuer)));

const twinServer = await listen(provider(issuer).callback());

const strangerServer = await listen(() => {});
strangerServer.removeAllListeners('request');
strangerServer.on('request', provider(base(strangerServer)).callback());

console.log(JSON.stringify({ issuer, twin: base(twinServer), stranger: base(strangerServer) }));
// Only that line goes to stdout, which the test stops reading: oidc-provider's notices go to stderr.
console.log = console.info = console.error;
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
