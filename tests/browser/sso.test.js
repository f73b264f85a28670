// Single sign-on against a real OpenID provider: the certified `oidc-provider` package, on
// loopback, with its development login and consent pages. The real `trellis serve --demo` is set
// up with it (`--oidc-issuer`, accounts created for example.com), and headless Chromium signs in
// through it: a known person, a newcomer whose account is made at first sign-in, and the refusals:
// an unverified email, an email with no account, a wrong state, a replayed callback and a replayed
// code.
//
//   cd tests/browser && npm ci && node --test sso.test.js
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { suite } = require('./helpers');

const CLIENT_ID = 'trellis';
const CLIENT_SECRET = crypto.randomBytes(32).toString('hex');

// The provider's people, by the login typed on its development sign-in page.
const ACCOUNTS = {
  hannah: { email: 'Hannah.Schmidt@example.com', verified: true, name: 'Hannah Schmidt' },
  unverified: { email: 'hannah.schmidt@example.com', verified: false, name: 'Hannah Schmidt' },
  newcomer: { email: 'noor.haddad@example.com', verified: true, name: 'Noor Haddad' },
  stranger: { email: 'sam@elsewhere.example.net', verified: true, name: 'Sam Stranger' },
};

let idp;

/** Listens on a free loopback port now; the provider is attached once Trellis's URL is known. */
async function listenForProvider() {
  const httpServer = http.createServer((req, res) => {
    if (!idp.handler) { res.statusCode = 503; res.end('not ready'); return; }
    idp.handler(req, res);
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return { httpServer, issuer: `http://127.0.0.1:${httpServer.address().port}`, handler: null };
}

async function attachProvider(redirectUri) {
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(idp.issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: account.email, email_verified: account.verified, name: account.name };
        },
      };
    },
  });
  provider.on('server_error', (ctx, err) => { idp.errors.push(err); });
  idp.errors = [];
  idp.handler = provider.callback();
}

// The provider listens before Trellis starts (Trellis is told its address) and learns Trellis's
// callback once Trellis listens.
const s = suite({
  prepare: async () => { idp = await listenForProvider(); },
  args: () => [
    '--oidc-issuer', idp.issuer,
    '--oidc-client-id', CLIENT_ID,
    '--oidc-client-secret', CLIENT_SECRET,
    '--oidc-create-accounts', 'example.com',
    '--oidc-label', 'Example ID',
  ],
  started: (suite) => attachProvider(`${suite.server.url}/sign-in/sso/callback`),
  cleanup: () => { if (idp) idp.httpServer.close(); },
});

async function newPage() {
  const context = await s.newContext();
  const page = await context.newPage();
  // The provider's development pages load a web font: nothing may leave this machine.
  await context.route((url) => !url.href.startsWith(s.server.url) && !url.href.startsWith(idp.issuer), (r) => r.abort());
  return { context, page };
}

/**
 * From Trellis's sign-in page to the provider's login page. Returns the authorization request
 * Trellis sent the browser with (a URL).
 */
async function toProvider(page) {
  await page.goto('/sign-in');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().startsWith(idp.issuer)),
    page.waitForURL((u) => u.href.startsWith(idp.issuer)),
    page.getByRole('link', { name: 'Sign in with Example ID' }).click(),
  ]);
  return new URL(request.url());
}

/**
 * Signs in at the provider as `login` and gives consent; resolves once the browser is back at
 * Trellis. Returns the callback URL the provider sent the browser to.
 */
async function atProvider(page, login) {
  let callback = null;
  const onRequest = (req) => { if (req.url().includes('/sign-in/sso/callback')) callback = req.url(); };
  page.on('request', onRequest);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign-in' }).click()]);
  if (page.url().startsWith(idp.issuer)) {
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(s.server.url)),
      page.getByRole('button', { name: 'Continue' }).click(),
    ]);
  }
  page.off('request', onRequest);
  assert.ok(callback, 'the provider sent the browser back to Trellis');
  return callback;
}

async function text(page) { return page.locator('main').innerText(); }

test('a person signs in with the organisation\'s account, and the callback cannot be replayed', async () => {
  const { context, page } = await newPage();
  await page.goto('/sign-in');
  assert.equal(await page.getByLabel('Password').count(), 1, 'the password form is still offered');
  const sent = await toProvider(page);
  assert.match(sent.searchParams.get('state'), /^[\w-]{16,}$/, 'a random state goes to the provider');
  assert.equal(sent.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  assert.ok(sent.searchParams.get('nonce'), 'a nonce');

  const callback = await atProvider(page, 'hannah');
  assert.equal(new URL(page.url()).pathname, '/', 'home');
  assert.match(await page.locator('header').innerText(), /Hannah Schmidt/, 'signed in as Hannah (email matched without case)');

  // The same answer again, in the same browser: the sign-in it belonged to is over.
  const again = await page.goto(callback);
  assert.equal(again.status(), 400);
  assert.match(await text(page), /does not belong to a sign-in started in this browser/);

  // And in another browser, which never started it.
  const other = await newPage();
  const stolen = await other.page.goto(callback);
  assert.equal(stolen.status(), 400);
  assert.match(await text(other.page), /does not belong to a sign-in started in this browser/);
  assert.equal(await other.page.getByLabel('Password').count(), 1, 'back on the sign-in page');

  // A code already used, brought to a sign-in this browser did start, is refused by the provider.
  const code = new URL(callback).searchParams.get('code');
  const fresh = (await toProvider(other.page)).searchParams.get('state');
  const replayed = await other.page.goto(`/sign-in/sso/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(fresh)}`);
  assert.equal(replayed.status(), 401);
  assert.match(await text(other.page), /could not confirm your sign-in with Example ID/);
  const home = await other.page.goto('/');
  assert.equal(new URL(other.page.url()).pathname, '/sign-in', `not signed in (${home.status()})`);
  await other.context.close();
  await context.close();
});

test('a wrong state is refused', async () => {
  const { context, page } = await newPage();
  const state = (await toProvider(page)).searchParams.get('state');
  const wrong = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
  const res = await page.goto(`/sign-in/sso/callback?code=anything&state=${encodeURIComponent(wrong)}`);
  assert.equal(res.status(), 400);
  assert.match(await text(page), /does not belong to a sign-in started in this browser/);
  await context.close();
});

test('an email the provider has not verified signs nobody in', async () => {
  const { context, page } = await newPage();
  await toProvider(page);
  await atProvider(page, 'unverified');
  assert.equal(new URL(page.url()).pathname, '/sign-in/sso/callback');
  assert.match(await text(page), /Example ID has not verified your email address hannah\.schmidt@example\.com/);
  await page.goto('/');
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'not signed in');
  await context.close();
});

test('a newcomer from example.com gets an account; someone from elsewhere does not', async () => {
  const { context, page } = await newPage();
  await toProvider(page);
  await atProvider(page, 'newcomer');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.locator('header').innerText(), /Noor Haddad/, 'named as the provider says');
  await page.goto('/account/data');
  assert.match(await text(page), /noor\.haddad@example\.com/);
  await context.close();

  const stranger = await newPage();
  await toProvider(stranger.page);
  await atProvider(stranger.page, 'stranger');
  assert.match(await text(stranger.page), /There is no Trellis account for sam@elsewhere\.example\.net/);
  await stranger.context.close();
  assert.deepEqual(idp.errors, [], 'the provider saw no server error');
});
