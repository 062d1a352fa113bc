// A real OpenID Connect provider (panva's oidc-provider) on loopback, for tests/sso only.
// Configuration from the environment: OP_PORT, OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URI,
// OP_POST_LOGOUT_REDIRECT_URI, OP_ID_TOKEN_TTL (seconds). Prints "ready <issuer>" once it listens.
// Any login name signs in (the test decides who exists on the relying party's side); the claims come from it:
// sub and preferred_username are the name, email is name@example.gov.vn, staff_id is "CB-" + name.
// The login says the person used a password and a one-time code (amr ["pwd", "otp"]).
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is required`);
  return process.env[name];
};
const port = Number(env('OP_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('OP_CLIENT_ID'),
    client_secret: env('OP_CLIENT_SECRET'),
    redirect_uris: [env('OP_REDIRECT_URI')],
    post_logout_redirect_uris: [env('OP_POST_LOGOUT_REDIRECT_URI')],
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },  // the relying party must send a code challenge (S256)
  ttl: { IdToken: Number(env('OP_ID_TOKEN_TTL')) },
  claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['preferred_username', 'name', 'staff_id'] },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, name: id, email: `${id}@example.gov.vn`, email_verified: true, staff_id: `CB-${id}` };
      },
    };
  },
  // First-party client: consent is granted with the login.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

const readForm = (req) => new Promise((resolve) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(new URLSearchParams(body)));
});

const callback = provider.callback();
http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return callback(req, res);
  try {
    await provider.interactionDetails(req, res);
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      return await provider.interactionFinished(req, res, { login: { accountId: form.get('login'), amr: ['pwd', 'otp'] } });
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    return res.end(`<!DOCTYPE html><title>Test provider</title><form method="post" action="/interaction/${match[1]}/login">`
      + '<input name="login"><button>Sign in</button></form>');
  } catch (error) {
    res.statusCode = 400;
    return res.end(String(error));
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
