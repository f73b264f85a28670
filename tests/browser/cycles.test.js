// Browser test of a review cycle from end to end: the people team opens a cycle for the Mobile team
// and launches it; Zanele Dlamini assesses herself and asks a teammate for input, which he gives;
// her manager rates her; the people team sees her outcome in the cycle's calibration; her manager
// records the agreed outcome, which she does not see until the results are shared; the people team
// closes the cycle sharing them today; she then sees her result, and the cycle's progress shows her
// done. Axe on the cycle pages. The real `trellis serve --demo` in headless Chromium.
//
//   cd tests/browser && npm ci && node --test cycles.test.js
'use strict';

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { suite, clickAndWait } = require('./helpers');

// In the demo organisation Zanele (Mobile, no open assessment) reports to Leila; Anna is her
// teammate; Grace is the people team.
const PEOPLE_TEAM = { email: 'grace.mensah@example.com', name: 'Grace Mensah' };
const PERSON = { email: 'zanele.dlamini@example.com', name: 'Zanele Dlamini' };
const MANAGER = { email: 'leila.haddad@example.com', name: 'Leila Haddad' };
const PEER = { email: 'anna.kowalski@example.com', name: 'Anna Kowalski' };
const TEAM = 'Mobile';
const CYCLE = `Mobile review ${crypto.randomBytes(3).toString('hex')}`;

const s = suite();
const { axeCheck } = s;

/** Chooses the first level of every rating on the page's form; returns how many were rated. */
async function rateEverything(page, form) {
  const selects = page.locator(`${form} select[name^="level."]`);
  const count = await selects.count();
  assert.ok(count >= 1, `something to rate in ${form}`);
  for (let i = 0; i < count; i++) {
    const select = selects.nth(i);
    const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
    const levels = values.filter((v) => v !== '' && v !== 'n/a');
    await select.selectOption(levels[Math.min(1, levels.length - 1)]);
  }
  return count;
}

async function stageOf(page) {
  return page.locator('#stage').getAttribute('data-stage');
}

/** The cells of a row of a table on the page, by the text of its header cell. */
async function rowCells(page, table, header) {
  const row = page.locator(`table.${table} tbody tr`).filter({ has: page.locator('th', { hasText: header }) });
  assert.equal(await row.count(), 1, `a row for ${header} in ${table}`);
  return row.locator('td').allInnerTexts();
}

describe('a review cycle for one team, completed end to end for one person', () => {
  const sessions = [];
  let hr; // the people team's page, signed in throughout
  let cyclePath;
  let assessmentPath;

  async function as(user) {
    const session = await s.signedIn(user);
    sessions.push(session);
    return session.page;
  }

  test('the people team opens a cycle for the team and launches it', async () => {
    hr = await as(PEOPLE_TEAM);
    await hr.goto('/cycles');
    await axeCheck(hr, 'the review cycles page');
    await hr.getByLabel('Name', { exact: true }).fill(CYCLE);
    await hr.getByLabel('Who is assessed', { exact: true }).selectOption({ label: `Team ${TEAM}` });
    await clickAndWait(hr, hr.getByRole('button', { name: 'Open the cycle' }));
    cyclePath = new URL(hr.url()).pathname;
    assert.match(cyclePath, /^\/cycles\/\d+$/);
    assert.equal(await hr.locator('h1').innerText(), `Review cycle ${CYCLE}`);
    assert.equal(await hr.locator('#cycle-status').getAttribute('data-status'), 'draft');
    await axeCheck(hr, 'a draft cycle');

    await clickAndWait(hr, hr.getByRole('button', { name: 'Launch the cycle' }));
    assert.equal(await hr.locator('#cycle-status').getAttribute('data-status'), 'open');
    assert.match(await hr.getByRole('status').first().innerText(), /Cycle launched: \d+ assessments started/);
    const [people] = await rowCells(hr, 'cycle-teams', TEAM);
    assert.ok(Number(people) >= 1, `the team's people are assessed (${people})`);
    await axeCheck(hr, 'an open cycle');
  });

  test('the person follows the notice to her assessment, asks her teammate for input and assesses herself', async () => {
    const page = await as(PERSON);
    await page.goto('/notifications');
    await clickAndWait(page, page.getByRole('link', { name: new RegExp(`The review cycle ${CYCLE} has started`) }).first());
    assessmentPath = new URL(page.url()).pathname;
    assert.match(assessmentPath, /^\/assessments\/\d+$/);
    assert.equal(await stageOf(page), 'self');
    assert.match(await page.locator('#stage-due').innerText(), /^\d{4}-\d{2}-\d{2}$/, 'the stage shows its deadline');

    await page.locator('#peer').fill(PEER.email);
    await page.locator('#peer-form input[name="skills"]').first().check();
    await clickAndWait(page, page.locator('#request-peer'));
    assert.match(await page.getByRole('status').first().innerText(), /request for peer input is sent/);

    await rateEverything(page, 'form#rating-form');
    await clickAndWait(page, page.locator('#submit-self'));
    assert.equal(await stageOf(page), 'manager');
  });

  test('the teammate gives his input', async () => {
    const page = await as(PEER);
    await page.goto('/peer-requests');
    await clickAndWait(page, page.getByRole('link', { name: PERSON.name }).first());
    await rateEverything(page, 'form#peer-input-form');
    await clickAndWait(page, page.locator('#submit-peer'));
    assert.match(await page.getByRole('status').first().innerText(), /You answered on/);
  });

  test('the manager rates her', async () => {
    const page = await as(MANAGER);
    await page.goto(assessmentPath);
    assert.equal(await stageOf(page), 'manager');
    await rateEverything(page, 'form#rating-form');
    await clickAndWait(page, page.locator('#submit-manager'));
    assert.equal(await stageOf(page), 'compare');
  });

  test('the people team sees her outcome in the cycle\'s calibration', async () => {
    await hr.goto(cyclePath);
    await clickAndWait(hr, hr.locator('#calibration-link a'));
    assert.equal(await hr.locator('h1').innerText(), `Calibration of ${CYCLE}`);
    assert.match(await hr.locator('#overall').innerText(), /^[1-9]\d* outcomes in view/);
    await axeCheck(hr, 'the calibration of the cycle');
    // Her manager's people side by side, in the calibration session.
    await clickAndWait(hr, hr.locator('#by-manager-table').getByRole('link', { name: MANAGER.name, exact: true }));
    assert.match(new URL(hr.url()).search, /group=manager/);
    assert.ok((await hr.getByText(PERSON.name).count()) >= 1, 'she is in the session');
    await axeCheck(hr, 'the calibration session of the cycle');
  });

  test('the manager records the agreed outcome, which the person does not see yet', async () => {
    const manager = sessions[3].page;
    await manager.goto(assessmentPath);
    await rateEverything(manager, 'form#rating-form');
    await clickAndWait(manager, manager.locator('#submit-agreed'));
    assert.equal(await stageOf(manager), 'agreed');

    const person = sessions[1].page;
    await person.goto(assessmentPath);
    assert.match(await person.locator('#results-withheld').innerText(), new RegExp(`^Results of ${CYCLE} are shared once the cycle is closed`));
    assert.equal(await person.locator('#confirm-outcome').count(), 0, 'nothing to confirm yet');
  });

  test('the people team closes the cycle, sharing the results today', async () => {
    await hr.goto(cyclePath);
    const today = await hr.locator('#shares_on').inputValue();
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/, 'today is offered');
    await clickAndWait(hr, hr.getByRole('button', { name: 'Close the cycle' }));
    assert.equal(await hr.locator('#cycle-status').getAttribute('data-status'), 'closed');
    assert.equal(await hr.locator('#shares-on').innerText(), `Results are shared with each person on ${today}.`);
    await axeCheck(hr, 'a closed cycle');
  });

  test('the person is told, and sees her result', async () => {
    const page = sessions[1].page;
    await page.goto('/notifications');
    await clickAndWait(page, page.getByRole('link', { name: `The results of the review cycle ${CYCLE} are shared with you` }).first());
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    assert.equal(await page.locator('#results-withheld').count(), 0);
    assert.equal(await stageOf(page), 'agreed');
    assert.equal(await page.locator('#confirm-outcome').count(), 1, 'she can confirm or dispute it');
    const agreed = page.locator('table th', { hasText: /^Agreed$/ });
    assert.ok((await agreed.count()) >= 1, 'the agreed outcome is shown');
  });

  test('the cycle\'s progress shows her done', async () => {
    await hr.goto(cyclePath);
    const [people, atSelf, atManager, atAgreement, agreed] = (await rowCells(hr, 'cycle-teams', TEAM)).map(Number);
    assert.equal(agreed, 1, 'one of the team agreed');
    assert.equal(people, atSelf + atManager + atAgreement + agreed);
    const [, done] = await rowCells(hr, 'cycle-stages', 'Agreement');
    assert.equal(Number(done), 1);
  });

  test('no page broke the Content-Security-Policy or threw', async () => {
    for (const { context, page } of sessions) {
      assert.deepEqual(page.errors, []);
      await context.close();
    }
  });
});
