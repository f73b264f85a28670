// Browser tests: the real `trellis serve --demo` (fresh SQLite database) driven by headless Debian
// Chromium through playwright-core, with axe-core accessibility checks of the main pages.
//
//   cd tests/browser && npm ci && node --test      (scripts/test runs this after the cargo tests)
//
// CHROMIUM overrides the browser path (default /usr/bin/chromium).
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { suite } = require('./helpers');

const MEMBER = { email: 'hannah.schmidt@example.com', name: 'Hannah Schmidt', role: 'Software Engineer' };
const MANAGER = { email: 'amara.okafor@example.com', name: 'Amara Okafor' };
const PROFILE = '/frameworks/current/role-levels/engineering/senior-software-engineer';
const SESSION_COOKIE = '__Host-trellis_session';
const WRONG_PASSWORD_MESSAGE = 'The email address or password is not right.';

const s = suite();
const DEMO_PASSWORD = s.password;
const { newContext, newPage, axeCheck, submitSignIn: signIn } = s;

function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

// All the context's cookies, not `cookies(url)`: some Playwright versions leave Secure cookies out
// for http:// URLs, although Chromium keeps and sends them to 127.0.0.1 (a secure context).
async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
}

describe('a member signs in, reads a role profile, compares two levels and signs out', () => {
  let context;
  let page;
  before(async () => {
    context = await newContext();
    page = await newPage(context);
  });
  after(async () => {
    if (context) await context.close();
  });

  test('signing in lands on a home page that greets them and shows their role level', async () => {
    await signIn(page, MEMBER.email, DEMO_PASSWORD);
    assert.equal(pathOf(page), '/');
    assert.equal(await page.locator('h1').innerText(), `Hello, ${MEMBER.name}`);
    const role = page.locator('section[aria-labelledby="your-role"]');
    assert.equal(await role.getByRole('link', { name: MEMBER.role, exact: true }).count(), 1, 'links to their role level');
    assert.match(await role.innerText(), /Software Engineering track/);
    assert.match(await page.locator('header form.sign-out').innerText(), new RegExp(MEMBER.name));
    const cookie = await sessionCookie(context);
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
  });

  test('browsing to a role profile shows requirements marked New, Raised and Inherited', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Framework' }).click();
    await page.waitForURL('**/frameworks/current');
    await page.getByRole('link', { name: 'Senior Software Engineer', exact: true }).first().click();
    await page.waitForURL(`**${PROFILE}`);
    assert.equal(await page.locator('h1').innerText(), 'Senior Software Engineer');
    const table = page.getByRole('table', { name: 'Skills required for Senior Software Engineer' });
    const rows = table.locator('tbody tr');
    assert.ok((await rows.count()) >= 3, 'several requirements');
    const badges = await table.locator('tbody .badge').allInnerTexts();
    assert.equal(badges.length, await rows.count(), 'every requirement has a status badge');
    assert.ok(badges.includes('New'), `a New requirement among ${JSON.stringify(badges)}`);
    assert.ok(badges.some((b) => /^Raised\b/.test(b)), `a Raised requirement among ${JSON.stringify(badges)}`);
    assert.ok(badges.includes('Inherited'), `an Inherited requirement among ${JSON.stringify(badges)}`);
    // The status is in words, not only in the badge colour.
    assert.ok(badges.every((b) => /^(New|Raised|Inherited)\b/.test(b)), JSON.stringify(badges));
  });

  test('comparing two levels with the form shows what is added and raised', async () => {
    await page.goto('/frameworks/current');
    await page.locator('#from').selectOption('engineering/software-engineer');
    await page.locator('#to').selectOption('engineering/senior-software-engineer');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Compare' }).click()]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/frameworks/current/compare');
    assert.equal(url.searchParams.get('from'), 'engineering/software-engineer');
    assert.equal(url.searchParams.get('to'), 'engineering/senior-software-engineer');
    assert.equal(await page.locator('h1').innerText(), 'Software Engineer and Senior Software Engineer compared');
    // The form keeps the choice.
    assert.equal(await page.locator('#from').inputValue(), 'engineering/software-engineer');
    assert.equal(await page.locator('#to').inputValue(), 'engineering/senior-software-engineer');
    const table = page.getByRole('table', { name: 'Skill requirements side by side' });
    const changes = await table.locator('tbody tr td:nth-of-type(3)').allInnerTexts();
    assert.ok(changes.includes('Added'), `an added skill among ${JSON.stringify(changes)}`);
    assert.ok(changes.includes('Raised'), `a raised skill among ${JSON.stringify(changes)}`);
    const added = table.locator('tbody tr').filter({ has: page.locator('td', { hasText: /^Added$/ }) });
    assert.equal(await added.first().locator('td').first().innerText(), 'Not required', 'an added skill was not required before');
    assert.match(await page.locator('p.lede').innerText(), /added/);
  });

  test('signing out returns to sign-in, and protected pages then ask to sign in', async () => {
    await Promise.all([
      page.waitForNavigation(),
      page.locator('header form.sign-out').getByRole('button', { name: 'Sign out' }).click(),
    ]);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.equal(await page.locator('h1').innerText(), 'Sign in');
    assert.equal(await sessionCookie(context), undefined, 'the session cookie is gone');
    await page.goto(PROFILE);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/sign-in');
    assert.equal(url.searchParams.get('next'), PROFILE);
    assert.equal(await page.locator('form.sign-out').count(), 0);
    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/sign-in');
  });

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(page.errors, []);
  });
});

describe('a wrong password', () => {
  test('shows an error that does not reveal whether the account exists', async () => {
    const context = await newContext();
    try {
      const page = await newPage(context);
      const attempt = async (email) => {
        await page.goto('/sign-in');
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password').fill('not-the-password');
        const [response] = await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        return {
          status: response.status(),
          path: new URL(page.url()).pathname,
          alert: (await page.getByRole('alert').allInnerTexts()).map((t) => t.trim()),
          h1: await page.locator('h1').innerText(),
          email: await page.getByLabel('Email address').inputValue(),
          password: await page.getByLabel('Password').inputValue(),
        };
      };
      const known = await attempt(MEMBER.email);
      const unknown = await attempt('nobody-here@example.com');
      assert.equal(known.path, '/sign-in');
      assert.equal(known.h1, 'Sign in');
      assert.deepEqual(known.alert, [WRONG_PASSWORD_MESSAGE]);
      assert.equal(known.email, MEMBER.email, 'the email is kept');
      assert.equal(known.password, '', 'the password is not sent back');
      // The unknown account gets exactly the same answer.
      assert.deepEqual(
        { ...unknown, email: undefined },
        { ...known, email: undefined },
        'a known and an unknown email get the same answer',
      );
      assert.equal(await sessionCookie(context), undefined, 'no session');
      await page.goto('/');
      assert.equal(new URL(page.url()).pathname, '/sign-in');
    } finally {
      await context.close();
    }
  });
});

// --- Accessibility ----------------------------------------------------------------------------------
// axe-core on each page (see helpers.js). Serious and critical violations fail; lesser ones are
// printed as notes.

describe('accessibility (axe-core): no serious or critical violations', () => {
  let context;
  let page;
  before(async () => {
    context = await newContext({ bypassCSP: true });
    page = await newPage(context);
  });
  after(async () => {
    if (context) await context.close();
  });

  test('sign-in', async () => {
    await page.goto('/sign-in');
    await axeCheck(page, 'sign-in');
  });

  test('sign-in with errors', async () => {
    await page.goto('/sign-in');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    assert.ok((await page.getByText('Enter your email address.').count()) > 0, 'the empty form shows field errors');
    await axeCheck(page, 'sign-in with errors');
  });

  // A manager sees the most: reports on the home page and a team in the people directory.
  const pages = [
    ['home', '/'],
    ['framework index', '/frameworks/current'],
    ['role profile', PROFILE],
    ['compare', '/frameworks/current/compare?from=engineering/software-engineer&to=engineering/senior-software-engineer'],
    ['skills catalogue', '/frameworks/current/skills'],
    ['people directory', '/people'],
    ['inbox', '/notifications'],
  ];
  for (const [name, path] of pages) {
    test(name, async () => {
      if (!(await sessionCookie(context))) {
        await signIn(page, MANAGER.email, DEMO_PASSWORD);
        assert.equal(pathOf(page), '/', 'signed in');
      }
      const response = await page.goto(path);
      assert.equal(response.status(), 200, `${path} answers 200`);
      assert.equal(new URL(page.url()).pathname, path.split('?')[0]);
      await axeCheck(page, name);
    });
  }
});
