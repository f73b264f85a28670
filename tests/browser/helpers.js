// What every browser test file needs, once: the server (`trellis serve --demo`, see server.js) and
// headless Chromium started before the file's tests and stopped after them, contexts and pages that
// fail fast and collect Content-Security-Policy violations, signing in, clicking and waiting for the
// next page, and the axe-core accessibility check.
'use strict';

const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { chromium } = require('playwright-core');
const { startServer, startSmtpSink } = require('./server');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_TIMEOUT = 15_000;
const AXE_PATH = require.resolve('axe-core');
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** Clicks something that submits a form or follows a link, and waits for the page it leads to. */
async function clickAndWait(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

/**
 * Registers the file's `before` and `after`: a fresh demo server (with a real SMTP sink when
 * `mail`), then Chromium. `prepare` runs first, `args()` gives further `trellis serve` arguments,
 * `started(suite)` runs once the server listens and `cleanup` last. Returns the suite, whose
 * `server`, `browser` and `mail` are set once `before` has run.
 */
function suite({ mail = false, prepare, args, started, cleanup } = {}) {
  const s = {
    password: `browser-${crypto.randomBytes(12).toString('hex')}`,
    server: null,
    browser: null,
    mail: null,
    axeContext: null,

    /** A fresh browser context (own cookies) whose pages fail fast. */
    async newContext(options = {}) {
      const context = await s.browser.newContext({ baseURL: s.server.url, ...options });
      context.setDefaultTimeout(STEP_TIMEOUT);
      context.setDefaultNavigationTimeout(STEP_TIMEOUT);
      return context;
    },

    /** A page whose CSP violations and script errors are collected in `page.errors`. */
    async newPage(context) {
      const page = await context.newPage();
      page.errors = [];
      page.on('console', (msg) => {
        if (/Content.Security.Policy/i.test(msg.text())) page.errors.push(msg.text());
      });
      page.on('pageerror', (err) => page.errors.push(`page error: ${err.message}`));
      return page;
    },

    /** Fills in and sends the sign-in form, whatever its answer. */
    async submitSignIn(page, email, password) {
      await page.goto('/sign-in');
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
    },

    /** Signs `user` (a demo account) in on the page and checks the home page follows. */
    async signIn(page, user) {
      await s.submitSignIn(page, user.email, s.password);
      assert.equal(new URL(page.url()).pathname, '/', `${user.email} is signed in`);
    },

    /** A new context and page with `user` signed in. */
    async signedIn(user, options = {}) {
      const context = await s.newContext(options);
      const page = await s.newPage(context);
      await s.signIn(page, user);
      return { context, page };
    },

    /**
     * axe-core on the page as it is: no serious or critical violations (lesser ones are printed as
     * notes). The server's CSP forbids scripts, and the tests check that no page breaks it, so axe
     * runs on a copy of the page in a context of its own that bypasses the CSP (same origin, so the
     * stylesheet applies).
     */
    async axeCheck(page, name) {
      if (!s.axeContext) s.axeContext = await s.browser.newContext({ baseURL: s.server.url, bypassCSP: true });
      const html = await page.content();
      const copy = await s.axeContext.newPage();
      let results;
      try {
        await copy.goto('/healthz');
        await copy.setContent(html, { waitUntil: 'load' });
        await copy.addScriptTag({ path: AXE_PATH });
        results = await copy.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
          }));
        });
      } finally {
        await copy.close();
      }
      for (const v of results.filter((x) => !FAILING_IMPACTS.has(x.impact))) {
        console.log(`# axe note on ${name}: ${v.impact} ${v.id} (${v.nodes.length} node(s)): ${v.help}`);
      }
      const failing = results.filter((v) => FAILING_IMPACTS.has(v.impact));
      if (failing.length) {
        const report = failing
          .map((v) => {
            const nodes = v.nodes
              .slice(0, 10)
              .map((n) => `    - ${n.target}\n      ${n.html.slice(0, 200)}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`)
              .join('\n');
            const more = v.nodes.length > 10 ? `\n    … and ${v.nodes.length - 10} more` : '';
            return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
          })
          .join('\n');
        assert.fail(`${failing.length} serious/critical accessibility violation(s) on ${name} (${page.url()}):\n${report}`);
      }
    },
  };

  before(async () => {
    if (prepare) await prepare();
    if (mail) s.mail = await startSmtpSink();
    s.server = await startServer({
      demoPassword: s.password,
      smtpUrl: s.mail ? s.mail.url : undefined,
      args: args ? args() : [],
    });
    if (started) await started(s);
    s.browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
  }, { timeout: 30 * 60_000 }); // the first build on a fresh machine is slow

  after(async () => {
    if (s.axeContext) await s.axeContext.close();
    if (s.browser) await s.browser.close();
    if (s.server) await s.server.stop();
    if (s.mail) s.mail.stop();
    if (cleanup) cleanup();
  });

  return s;
}

module.exports = { suite, clickAndWait, STEP_TIMEOUT };
