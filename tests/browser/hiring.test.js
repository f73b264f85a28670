// Browser test of hiring in the demo organisation, from role profile to first plan: the people team
// opens a position from the starter framework's Staff Engineer kit, adds a candidate and schedules
// two interviewers on the same stage and one on another; each scores on their own (the second
// never sees the first's scores before submitting); the hiring manager's debrief shows the weighted
// score, the dimensions nobody scored and the flagged disagreement; the hire makes the account, and
// the new person's development plan exists. Then axe on the hiring pages. The real
// `trellis serve --demo` in headless Chromium.
//
//   cd tests/browser && npm ci && node --test hiring.test.js
'use strict';

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { suite, clickAndWait } = require('./helpers');

const PEOPLE_TEAM = { email: 'grace.mensah@example.com' };
const MANAGER = { email: 'amara.okafor@example.com' };
const FIRST = { email: 'luis.fernandez@example.com', name: 'Luis Fernández' };
const SECOND = { email: 'kenji.watanabe@example.com', name: 'Kenji Watanabe' };
const MEMBER = { email: 'hannah.schmidt@example.com' };
const TAG = crypto.randomBytes(4).toString('hex');
const CANDIDATE = `Robin Achterberg ${TAG}`;
const NEW_EMAIL = `robin.${TAG}@example.com`;
const ARCHITECTURE = 'Architecture review (60 minutes)';
const INFLUENCE = 'Present a technical proposal to a sceptical panel for 20 minutes.';

const s = suite();
const { signedIn, axeCheck } = s;

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a kit from the starter framework to a hire with a first plan', () => {
  let candidatePath;

  test('the people team opens a position, adds a candidate and schedules three interviews', async () => {
    const { context, page } = await signedIn(PEOPLE_TEAM);
    await page.goto('/hiring');
    await page.getByLabel('Role level', { exact: true }).selectOption({ value: 'engineering/staff-engineer' });
    await page.getByLabel("Hiring manager's email address").fill(MANAGER.email);
    await clickAndWait(page, page.getByRole('button', { name: 'Open the position' }));
    assert.match(new URL(page.url()).pathname, /^\/hiring\/openings\/\d+$/);
    const body = await page.locator('main').innerText();
    // The kit's advert and plan came with it: every dimension is scored by a stage.
    assert.match(body, /Staff Engineer/);
    assert.match(body, /Architecture/);
    assert.match(body, /Growing others/);
    // The kit's plan leaves a critical requirement to no stage, and the page says so.
    assert.match(await page.getByRole('status').filter({ hasText: 'Gaps in the interview plan' }).innerText(), /critical requirement/);

    // A candidate with nothing wrong but the consent date missing is refused, naming the field.
    await page.getByLabel('Name', { exact: true }).fill(CANDIDATE);
    await page.getByLabel('Contact', { exact: true }).fill(`robin.${TAG}@example.net`);
    await page.getByLabel('Source', { exact: true }).fill('Referral');
    await clickAndWait(page, page.getByRole('button', { name: 'Add the candidate' }));
    assert.match(await page.getByRole('alert').innerText(), /consent/i);
    await page.getByLabel('Consent given on', { exact: true }).fill('2026-12-01');
    await clickAndWait(page, page.getByRole('button', { name: 'Add the candidate' }));
    candidatePath = new URL(page.url()).pathname;
    assert.match(candidatePath, /^\/hiring\/candidates\/\d+$/);

    const schedule = async (stage, who) => {
      await page.getByLabel('Stage', { exact: true }).selectOption({ label: stage });
      await page.getByLabel("Interviewer's email address").fill(who.email);
      await page.getByLabel('On', { exact: true }).fill('2026-12-10');
      await clickAndWait(page, page.getByRole('button', { name: 'Schedule' }));
    };
    await schedule(ARCHITECTURE, FIRST);
    await schedule(ARCHITECTURE, SECOND);
    await schedule(INFLUENCE, FIRST);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test('two interviewers score the same stage on their own', async () => {
    // The first interviewer: both their scorecards, Architecture 4 and Technical influence 3.
    const first = await signedIn(FIRST);
    await first.page.goto(candidatePath);
    assert.doesNotMatch(await first.page.locator('main').innerText(), /Debrief/, 'no debrief before submitting');
    await clickAndWait(first.page, first.page.getByRole('link', { name: new RegExp(`^${escape(ARCHITECTURE)} on `) }));
    await first.page.getByRole('group', { name: 'Architecture' }).getByLabel('4', { exact: true }).check();
    await first.page.getByLabel('Notes', { exact: true }).fill(`Clear boundaries, named the failure modes ${TAG}`);
    await first.page.getByRole('group', { name: 'Your leaning' }).getByLabel('Hire', { exact: true }).check();
    await clickAndWait(first.page, first.page.getByRole('button', { name: 'Submit the scorecard' }));
    await first.page.goto(candidatePath);
    await clickAndWait(first.page, first.page.getByRole('link', { name: new RegExp(`^${escape(INFLUENCE)} on `) }));
    await first.page.getByRole('group', { name: 'Technical influence' }).getByLabel('3', { exact: true }).check();
    await first.page.getByLabel('Notes', { exact: true }).fill(`Persuasive, but rushed the questions ${TAG}`);
    await first.page.getByRole('group', { name: 'Your leaning' }).getByLabel('Hire', { exact: true }).check();
    await clickAndWait(first.page, first.page.getByRole('button', { name: 'Submit the scorecard' }));

    // The second interviewer: before submitting, nothing of the first's scorecard anywhere.
    const second = await signedIn(SECOND);
    await second.page.goto(candidatePath);
    let text = await second.page.locator('main').innerText();
    assert.doesNotMatch(text, /Debrief/);
    assert.doesNotMatch(text, new RegExp(`failure modes ${TAG}`));
    await clickAndWait(second.page, second.page.getByRole('link', { name: new RegExp(`^${escape(ARCHITECTURE)} on `) }));
    text = await second.page.locator('main').innerText();
    assert.doesNotMatch(text, /failure modes|Persuasive/, 'the other scorecards are not on the form');
    await second.page.getByRole('group', { name: 'Architecture' }).getByLabel('2', { exact: true }).check();
    await second.page.getByLabel('Notes', { exact: true }).fill(`Picked a datastore before the requirements ${TAG}`);
    await second.page.getByRole('group', { name: 'Your leaning' }).getByLabel('No hire', { exact: true }).check();
    await clickAndWait(second.page, second.page.getByRole('button', { name: 'Submit the scorecard' }));
    // Submitted: now the others are shown, and reading them made this scorecard final.
    await second.page.goto(candidatePath);
    text = await second.page.locator('main').innerText();
    assert.match(text, new RegExp(`failure modes ${TAG}`));
    await clickAndWait(second.page, second.page.getByRole('link', { name: new RegExp(`^${escape(ARCHITECTURE)} on `) }));
    assert.match(await second.page.locator('main').innerText(), /Your scorecard is final/);
    assert.equal(await second.page.getByRole('button', { name: /scorecard/ }).count(), 0);
    assert.deepEqual([...first.page.errors, ...second.page.errors], []);
    await first.context.close();
    await second.context.close();
  });

  test('a member not on the loop sees nothing of the candidate', async () => {
    const { context, page } = await signedIn(MEMBER);
    const response = await page.goto(candidatePath);
    assert.notEqual(response.status(), 200);
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(CANDIDATE));
    await context.close();
  });

  test('the debrief weighs the scores and flags the disagreement; the hire starts a plan', async () => {
    const { context, page } = await signedIn(MANAGER);
    await page.goto(candidatePath);
    // Architecture (35 %): mean 3 of 4 and 2; Technical influence (25 %): 3. Nobody scored the
    // other 40 %, which counts as nothing: (35 × 3 + 25 × 3) ÷ 100 = 1.80.
    assert.equal(await page.locator('#weighted-score').innerText(), '1.80');
    const summary = await page.locator('.debrief-score').innerText();
    assert.match(summary, /60% of the weight/);
    assert.match(summary, /Operational judgement/);
    assert.match(summary, /Growing others/);
    const flagged = page.locator('tr.disagreement');
    assert.equal(await flagged.count(), 1);
    assert.match(await flagged.innerText(), /Architecture/);
    assert.match(await flagged.innerText(), /Discuss/);
    assert.equal(await page.locator('main svg').count() > 0, true, 'the chart is drawn');

    await page.getByLabel(/Hire: make their account/).check();
    await page.getByLabel('Email address of the new account (for a hire)').fill(NEW_EMAIL);
    await page.getByLabel('Reason', { exact: true }).fill('Strong architecture; the disagreement was discussed and settled.');
    await clickAndWait(page, page.getByRole('button', { name: 'Record the decision' }));
    assert.match(await page.locator('.candidate-status').innerText(), /hired/);
    await clickAndWait(page, page.getByRole('link', { name: 'their development plan' }));
    assert.match(new URL(page.url()).pathname, /^\/people\/\d+\/plan$/);
    const plan = await page.locator('main').innerText();
    // The first goal comes from the lowest-scored dimensions' requirements.
    assert.match(plan, /The interviews scored/);
    assert.ok((await page.locator('.goal').count()) >= 1, 'the plan has goals');
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test('the hiring pages pass axe', async () => {
    const staff = await signedIn(PEOPLE_TEAM, { bypassCSP: true });
    await staff.page.goto('/hiring');
    await axeCheck(staff.page, 'hiring');
    await staff.page.goto(candidatePath);
    await axeCheck(staff.page, 'a debrief with a decision');
    await clickAndWait(staff.page, staff.page.getByRole('link', { name: /^Staff Engineer/ }).first());
    await axeCheck(staff.page, 'an opening');
    await staff.context.close();
    const interviewer = await signedIn(FIRST, { bypassCSP: true });
    await interviewer.page.goto(candidatePath);
    await clickAndWait(interviewer.page, interviewer.page.getByRole('link', { name: new RegExp(`^${escape(ARCHITECTURE)} on `) }));
    await axeCheck(interviewer.page, 'a scorecard');
    await interviewer.context.close();
  });
});
