// A real OAuth 2.1 authorization server for the integration tests: three oidc-provider instances on
// free loopback ports, started together and stopped when stdin closes (the test dropping its child).
//
// - "issuer": the authorization server the MCP server trusts. Access tokens are JWTs for the
//   resource the client names (RFC 8707), carrying the scopes the client is allowed and asks for.
// - "twin": claims the same issuer name but signs with keys of its own (a forged token).
// - "stranger": another issuer altogether.
//
// Clients (client_credentials, secret "secret"): reader (hostaway:read), writer (read and write),
// manager (read, write and finance). The line printed once every instance listens is JSON:
// {"issuer": "...", "twin": "...", "stranger": "..."} with each one's base URL.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const SCOPES = ['hostaway:read', 'hostaway:write', 'hostaway:finance'];
const CLIENTS = {
  reader: 'hostaway:read',
  writer: 'hostaway:read hostaway:write',
  manager: 'hostaway:read hostaway:write hostaway:finance',
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
    features: {
      devInteractions: { enabled: false },
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
issuerServer.on('request', provider(issuer).callback());

const twinServer = await listen(provider(issuer).callback());

const strangerServer = await listen(() => {});
strangerServer.removeAllListeners('request');
strangerServer.on('request', provider(base(strangerServer)).callback());

console.log(JSON.stringify({ issuer, twin: base(twinServer), stranger: base(strangerServer) }));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
