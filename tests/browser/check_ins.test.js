// Browser test of 1:1 check-ins in the demo organisation: a member adds to the shared agenda, keeps a
// private note and takes an action; their manager sees the agenda but never the note, records the
// meeting as held, and the action carries over to the next one. Then axe on the check-in pages, and
// every main page at 390 px wide without horizontal scrolling, with the team matrix's first column
// kept in view when the matrix scrolls. The real `trellis serve --demo` in headless Chromium.
//
//   cd tests/browser && npm ci && node --test check_ins.test.js
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { suite, clickAndWait } = require('./helpers');

const MEMBER = { email: 'hannah.schmidt@example.com', name: 'Hannah Schmidt' };
const MANAGER = { email: 'amara.okafor@example.com', name: 'Amara Okafor' };
const PEOPLE_TEAM = { email: 'grace.mensah@example.com', name: 'Grace Mensah' };
const TAG = crypto.randomBytes(4).toString('hex');

const s = suite();
const { signedIn, axeCheck } = s;

describe('a check-in with a shared agenda, a private note and an action carried over', () => {
  let member;
  let manager;
  let checkInPath;
  const agendaItem = `Ask about the on-call rota ${TAG}`;
  const privateNote = `Not sure I am ready to lead the migration ${TAG}`;
  const action = `Book the architecture course ${TAG}`;

  before(async () => {
    member = await signedIn(MEMBER);
    manager = await signedIn(MANAGER);
  });
  after(async () => {
    for (const s of [member, manager]) if (s) await s.context.close();
  });

  test('the member opens their check-ins with their manager from the header', async () => {
    const { page } = member;
    await clickAndWait(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check-ins' }));
    await clickAndWait(page, page.getByRole('link', { name: `With ${MANAGER.name}` }));
    checkInPath = new URL(page.url()).pathname;
    assert.match(checkInPath, /^\/check-ins\/\d+$/);
    assert.equal(await page.locator('h1').innerText(), `Check-ins with ${MANAGER.name}`);
    assert.match(await page.locator('#next-heading').innerText(), /^Next meeting: \d{4}-\d{2}-\d{2}$/);
  });

  test('they add to the agenda, keep a private note and take an action', async () => {
    const { page } = member;
    await page.getByLabel('Add to the agenda').fill(agendaItem);
    await clickAndWait(page, page.getByRole('button', { name: 'Add', exact: true }));
    assert.equal(await page.getByRole('status').innerText(), 'Added to the agenda.');
    await page.getByLabel('Write a note').fill(privateNote);
    await page.getByLabel('Only me').check();
    await clickAndWait(page, page.getByRole('button', { name: 'Save the note' }));
    const note = page.locator('.check-in-entries li', { hasText: privateNote });
    assert.equal(await note.locator('.badge-private').innerText(), 'Only you');
    await page.getByLabel('New action').fill(action);
    await page.getByLabel('Who does it').selectOption({ label: MEMBER.name });
    await clickAndWait(page, page.getByRole('button', { name: 'Add the action' }));
    assert.equal(await page.locator('.check-in-actions li', { hasText: action }).count(), 1);
  });

  test('the manager sees the agenda item but never the private note', async () => {
    const { page } = manager;
    await page.goto(checkInPath);
    assert.equal(await page.locator('h1').innerText(), `Check-ins with ${MEMBER.name}`);
    assert.equal(await page.getByText(agendaItem).count(), 1, 'the shared agenda');
    assert.equal(await page.getByText(privateNote).count(), 0, 'the private note stays with its author');
  });

  test('the manager records the meeting as held and the action carries over', async () => {
    const { page } = manager;
    const before = await page.locator('#next-heading').innerText();
    await clickAndWait(page, page.getByRole('button', { name: 'Record as held' }));
    assert.match(await page.getByRole('status').innerText(), /carry over/);
    const after = await page.locator('#next-heading').innerText();
    assert.notEqual(after, before, 'the next meeting is planned');
    const open = page.locator('section[aria-labelledby="actions-heading"] > ul.check-in-actions li', { hasText: action });
    assert.equal(await open.count(), 1, 'the action is still open at the next meeting');
    const history = page.locator('section[aria-labelledby="history-heading"]');
    assert.equal(await history.getByText(agendaItem).count(), 1, 'the agenda is kept with the meeting held');
  });

  test('the member marks the action done', async () => {
    const { page } = member;
    await page.goto(checkInPath);
    const item = page.locator('section[aria-labelledby="actions-heading"] > ul.check-in-actions li', { hasText: action });
    await clickAndWait(page, item.getByRole('button', { name: /^Done/ }));
    assert.equal(await page.getByRole('status').innerText(), 'Action marked done.');
    assert.equal(await item.count(), 0, 'no longer open');
    assert.deepEqual([...member.page.errors, ...manager.page.errors], [], 'no CSP violation or script error');
  });
});

describe('check-in and plan pages are accessible, and every main page fits 390 px', () => {
  let session;
  before(async () => {
    session = await signedIn(MANAGER, { bypassCSP: true, viewport: { width: 390, height: 844 } });
  });
  after(async () => {
    if (session) await session.context.close();
  });

  test('axe on the check-in list, one series and an error', async () => {
    const { page } = session;
    await page.goto('/check-ins');
    await axeCheck(page, 'check-ins');
    await clickAndWait(page, page.locator('.check-in-list a').first());
    await axeCheck(page, 'a check-in');
    await clickAndWait(page, page.getByRole('button', { name: 'Save the note' }));
    assert.equal(await page.getByRole('alert').locator('h2').innerText(), 'There is a problem');
    await axeCheck(page, 'a check-in with an error');
    await page.goto('/people');
    const hannah = await page.getByRole('link', { name: MEMBER.name }).first().getAttribute('href');
    await page.goto(`${hannah}/plan`);
    assert.equal(await page.locator('h1').innerText(), `Development plan: ${MEMBER.name}`);
    await axeCheck(page, 'a report\'s development plan');
    await page.getByRole('search').first().getByLabel('Search people, role levels and skills').fill('engineer');
    await clickAndWait(page, page.getByRole('search').first().getByRole('button', { name: 'Search' }));
    assert.ok((await page.locator('#found-role-levels + ul li').count()) > 0, 'role levels found from the header');
    await axeCheck(page, 'search results');
  });

  test('axe on the owner\'s plan, with an error and with a goal', async () => {
    const member = await signedIn(MEMBER, { bypassCSP: true });
    try {
      const { page } = member;
      await page.goto('/');
      await clickAndWait(page, page.getByRole('link', { name: 'Your assessments' }));
      await clickAndWait(page, page.getByRole('link', { name: 'Your goals' }));
      await axeCheck(page, 'your development plan');
      await clickAndWait(page, page.getByRole('button', { name: 'Make these goals' }));
      assert.equal(await page.getByRole('alert').locator('h2').innerText(), 'There is a problem');
      await axeCheck(page, 'your development plan with an error');
      const before = await page.locator('article.goal').count();
      await page.locator('input[name="gaps"]').first().check();
      await clickAndWait(page, page.getByRole('button', { name: 'Make these goals' }));
      assert.equal(await page.locator('article.goal').count(), before + 1);
      await axeCheck(page, 'your development plan with a goal');
    } finally {
      await member.context.close();
    }
  });

  test('axe on the organisation overview, as the people team, and it fits 390 px', async () => {
    const hr = await signedIn(PEOPLE_TEAM, { bypassCSP: true, viewport: { width: 390, height: 844 } });
    try {
      const { page } = hr;
      await clickAndWait(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }));
      await clickAndWait(page, page.getByRole('link', { name: 'The organisation at a glance' }));
      assert.equal(await page.locator('h1').innerText(), 'Organisation');
      assert.ok((await page.locator('table.team-readiness tbody tr').count()) >= 3, 'a row per team');
      await axeCheck(page, 'organisation overview');
      const { scroll, width } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= width, `the overview fits ${width} px (content is ${scroll} px wide)`);
    } finally {
      await hr.context.close();
    }
  });

  test('no horizontal scrolling at 390 px', async () => {
    const { page } = session;
    await page.goto('/people');
    const hannah = await page.getByRole('link', { name: MEMBER.name }).first().getAttribute('href');
    await page.goto('/check-ins');
    const series = await page.locator('.check-in-list a').first().getAttribute('href');
    const profile = '/frameworks/current/role-levels/engineering/senior-software-engineer';
    for (const path of ['/', hannah, `${hannah}/plan`, '/team', '/check-ins', series, '/notifications', '/people', profile, '/search?q=engineer']) {
      const response = await page.goto(path);
      assert.equal(response.status(), 200, path);
      const { scroll, width } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= width, `${path} fits ${width} px (content is ${scroll} px wide)`);
    }
  });

  test('the team matrix scrolls within its frame and keeps the names in view', async () => {
    const { page } = session;
    await page.goto('/team');
    const wrap = page.locator('.table-wrap', { has: page.locator('#skills-matrix') });
    const name = page.locator('#skills-matrix tbody th[scope="row"]').first();
    const before = await name.boundingBox();
    const scrolled = await wrap.evaluate((el) => {
      el.scrollLeft = 400;
      return el.scrollLeft;
    });
    assert.ok(scrolled > 0, 'the matrix is wider than the phone and scrolls');
    const after = await name.boundingBox();
    assert.ok(Math.abs(after.x - before.x) < 1, `the name column stays put (${before.x} → ${after.x})`);
  });
});
