// Browser test of a promotion case in the demo organisation: a manager opens a case from a person's
// page, writes it and names a panel of two; the person reads it and comments; the manager submits
// it; the two panel members vote independently (the second sees nothing of the first's vote before
// voting, and sees it after); the manager records the decision; the person sees the decision and
// never a vote. Then axe on the case pages, and the printable page without navigation. The real
// `trellis serve --demo` in headless Chromium.
//
//   cd tests/browser && npm ci && node --test promotion.test.js
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { suite, clickAndWait } = require('./helpers');

const PERSON = { email: 'ole.hansen@example.com', name: 'Ole Hansen' };
const MANAGER = { email: 'amara.okafor@example.com', name: 'Amara Okafor' };
const FIRST_VOTER = { email: 'daniel.cohen@example.com', name: 'Daniel Cohen' };
const SECOND_VOTER = { email: 'nadia.rahman@example.com', name: 'Nadia Rahman' };
const TAG = crypto.randomBytes(4).toString('hex');

const s = suite();
const { signedIn, axeCheck } = s;

describe('a promotion case from opening to decision, with independent votes', () => {
  const caseText = `Ole runs the invoices service on his own now ${TAG}.`;
  const comment = `Please add the refunds on-call work ${TAG}`;
  const firstReason = `FIRST-VOTE strong evidence ${TAG}`;
  const secondReason = `SECOND-VOTE one more quarter ${TAG}`;
  const decisionReason = `Approved: the panel found the evidence strong ${TAG}`;
  let manager;
  let person;
  let casePath;

  before(async () => {
    manager = await signedIn(MANAGER);
    person = await signedIn(PERSON);
  });
  after(async () => {
    for (const s of [manager, person]) if (s) await s.context.close();
  });

  test('the manager opens a case from the person page, writes it and names the panel', async () => {
    const { page } = manager;
    await page.goto('/people');
    await clickAndWait(page, page.getByRole('link', { name: PERSON.name }).first());
    await clickAndWait(page, page.locator('#open-promotion'));
    assert.match(await page.locator('h1').innerText(), /Open a promotion case for Ole Hansen/);
    await clickAndWait(page, page.getByRole('button', { name: 'Open the case' }));
    casePath = new URL(page.url()).pathname;
    assert.match(casePath, /^\/promotions\/\d+$/);
    assert.match(await page.locator('#readiness').innerText(), /Policy:/, 'readiness under the policy');
    await page.getByLabel('Written case').fill(caseText);
    await clickAndWait(page, page.getByRole('button', { name: 'Save the case' }));
    assert.match(await page.locator('#case-text').innerText(), new RegExp(TAG));
    await page.getByLabel('Panel members\' email addresses, one per line').fill(`${FIRST_VOTER.email}\n${SECOND_VOTER.email}`);
    await clickAndWait(page, page.getByRole('button', { name: 'Name the panel' }));
    const panel = await page.locator('#panel').innerText();
    assert.match(panel, /Daniel Cohen/);
    assert.match(panel, /Nadia Rahman/);
  });

  test('the person reads the case and comments before it is submitted', async () => {
    const { page } = person;
    await page.goto('/');
    await clickAndWait(page, page.locator(`a[href="${casePath}"]`).first());
    assert.match(await page.locator('#case-text').innerText(), new RegExp(TAG));
    await page.getByLabel('Your comment on the case').fill(comment);
    await clickAndWait(page, page.getByRole('button', { name: 'Add the comment' }));
    assert.match(await page.locator('#comments').innerText(), new RegExp(comment));
  });

  test('the manager submits the case to the panel', async () => {
    const { page } = manager;
    await page.goto(casePath);
    assert.match(await page.locator('#comments').innerText(), new RegExp(comment));
    await clickAndWait(page, page.getByRole('button', { name: 'Submit to the panel' }));
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'submitted');
  });

  test('two panel members vote independently: the second sees nothing of the first before voting', async () => {
    const first = await signedIn(FIRST_VOTER);
    try {
      await first.page.goto(casePath);
      await first.page.getByLabel('Approve', { exact: true }).check();
      await first.page.getByLabel('Your reason').fill(firstReason);
      await clickAndWait(first.page, first.page.getByRole('button', { name: 'Cast your vote' }));
      assert.match(await first.page.locator('#panel').innerText(), new RegExp(firstReason), 'their own vote');
    } finally {
      await first.context.close();
    }
    const second = await signedIn(SECOND_VOTER);
    try {
      const { page } = second;
      await page.goto('/');
      await clickAndWait(page, page.locator(`a[href="${casePath}"]`).first());
      const before = await page.content();
      assert.ok(!before.includes('FIRST-VOTE'), 'the first vote is not shown before voting');
      assert.match(await page.locator('#panel').innerText(), /hidden until you vote/);
      await page.getByLabel('Not yet', { exact: true }).check();
      await page.getByLabel('Your reason').fill(secondReason);
      await clickAndWait(page, page.getByRole('button', { name: 'Cast your vote' }));
      const after = await page.locator('#panel').innerText();
      assert.match(after, new RegExp(firstReason), 'shown once voted');
      assert.ok(await page.locator('#vote-final').isVisible(), 'and their vote is final');
    } finally {
      await second.context.close();
    }
  });

  test('the manager records the decision', async () => {
    const { page } = manager;
    await page.goto(casePath);
    assert.match(await page.locator('#panel').innerText(), new RegExp(secondReason));
    await page.getByLabel('Approved', { exact: true }).check();
    await page.getByLabel('Reason', { exact: true }).fill(decisionReason);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel(/takes effect from/).fill(today);
    await clickAndWait(page, page.getByRole('button', { name: 'Record the decision' }));
    assert.equal(await page.locator('#decision-outcome').getAttribute('data-outcome'), 'approved');
  });

  test('the person sees the decision but not the votes', async () => {
    const { page } = person;
    await page.goto(casePath);
    assert.equal(await page.locator('#decision-outcome').getAttribute('data-outcome'), 'approved');
    assert.match(await page.locator('#decision').innerText(), new RegExp(decisionReason));
    const html = await page.content();
    assert.ok(!html.includes('FIRST-VOTE') && !html.includes('SECOND-VOTE'), 'no vote or reason shown');
    await page.goto('/notifications');
    assert.match(await page.locator('main').innerText(), /approved/);
    await page.goto(`${casePath}/print`);
    assert.equal(await page.locator('nav').count(), 0, 'the printable page has no navigation');
    assert.match(await page.locator('main').innerText(), new RegExp(TAG));
    for (const s of [manager, person]) assert.deepEqual(s.page.errors, []);
  });

  // axe injects its script, which the Content-Security-Policy rightly blocks: these pages are
  // checked in contexts that bypass it.
  test('accessibility (axe-core): the case pages have no serious or critical violations', async () => {
    for (const user of [MANAGER, PERSON]) {
      const s = await signedIn(user, { bypassCSP: true });
      try {
        for (const path of ['/promotions', casePath, `${casePath}/print`]) {
          await s.page.goto(path);
          await axeCheck(s.page, `${path} as ${user.name}`);
        }
      } finally {
        await s.context.close();
      }
    }
  });
});
