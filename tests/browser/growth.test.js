// Browser test of the growth flow: a member self-assesses against the next role
// level, their manager rates them and records the agreed outcome, and both then see the readiness for
// the next level change. The real `trellis serve --demo` (fresh SQLite database) in headless Debian
// Chromium through playwright-core, as in trellis.test.js.
//
//   cd tests/browser && npm ci && node --test growth.test.js
//
// CHROMIUM overrides the browser path (default /usr/bin/chromium).
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { sleep } = require('./server');
const { suite, clickAndWait } = require('./helpers');

// In the demo organisation Hannah reports to Amara, and Hannah's next level is Senior Software Engineer.
const MEMBER = { email: 'hannah.schmidt@example.com', name: 'Hannah Schmidt' };
const MANAGER = { email: 'amara.okafor@example.com', name: 'Amara Okafor' };
const NEXT_LEVEL = 'Senior Software Engineer';
const NEXT_LEVEL_ID = 'engineering/senior-software-engineer';

const s = suite({ mail: true });
const { axeCheck } = s;

async function signIn(page, user) {
  await s.signIn(page, user);
  assert.equal(await page.locator('h1').innerText(), `Hello, ${user.name}`);
}

async function signOut(page) {
  await Promise.all([
    page.waitForNavigation(),
    page.locator('header form.sign-out').getByRole('button', { name: 'Sign out' }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out');
}

/**
 * The next-level readiness on a person page (already open): the verdict ("Ready" / "Not ready yet"),
 * the score in percent, and each requirement's status.
 */
async function nextReadiness(page) {
  const section = page.locator('#readiness-next');
  const heading = await page.locator('#readiness-next-heading').innerText();
  const verdict = (await section.locator('#readiness-next-heading .readiness-verdict').innerText()).trim();
  const m = /\((\d+)%\)/.exec(heading);
  assert.ok(m, `a percentage in the next-level readiness heading: ${JSON.stringify(heading)}`);
  const rows = section.getByRole('table', { name: `Each requirement of ${NEXT_LEVEL}` }).locator('tbody tr');
  const statuses = (await rows.locator('.status').allInnerTexts()).map((s) => s.trim());
  return { heading, verdict, percent: Number(m[1]), statuses };
}

/**
 * On an assessment page at a rating stage: selects, for every requirement of the rating form, the
 * highest level of the skill's scale (the last option that is neither the placeholder nor "not
 * applicable"). Returns { skill name attribute: chosen value }.
 */
async function rateEverythingHighest(page) {
  const form = page.locator('form#rating-form');
  const selects = form.getByRole('combobox', { name: /^Level for / });
  const count = await selects.count();
  assert.ok(count >= 3, `a level to choose for each requirement (found ${count})`);
  const chosen = {};
  for (let i = 0; i < count; i++) {
    const select = selects.nth(i);
    const name = await select.getAttribute('name');
    assert.match(name, /^level\./);
    const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(values.includes('n/a'), `${name} offers "not applicable"`);
    const levels = values.filter((v) => v !== '' && v !== 'n/a');
    assert.ok(levels.length >= 2, `${name} offers a scale: ${JSON.stringify(values)}`);
    const highest = levels[levels.length - 1];
    await select.selectOption(highest);
    chosen[name] = highest;
  }
  return chosen;
}

async function stageOf(page) {
  return page.locator('#stage').getAttribute('data-stage');
}

describe('a member self-assesses, their manager rates and agrees, and both see next-level readiness change', () => {
  let context;
  let page;
  let personPath; // Hannah's person page
  let planPath; // her development plan
  const goalSkills = []; // the skills of the goals she makes from next-level gaps
  let assessmentPath; // the assessment against the next level
  let initial; // next-level readiness before the assessment
  let selfLevels;
  let requirementCount;

  before(async () => {
    context = await s.newContext();
    page = await s.newPage(context);
  });
  after(async () => {
    if (context) await context.close();
  });

  test('the member opens their person page and sees they are not yet ready for the next level', async () => {
    await signIn(page, MEMBER);
    await clickAndWait(page, page.getByRole('link', { name: 'Your assessments' }));
    personPath = new URL(page.url()).pathname;
    assert.match(personPath, /^\/people\/\d+$/);
    assert.match(await page.locator('h1').innerText(), new RegExp(`^${MEMBER.name}`));
    initial = await nextReadiness(page);
    assert.match(initial.heading, new RegExp(`^Next level: ${NEXT_LEVEL}:`));
    assert.equal(initial.verdict, 'Not ready yet', initial.heading);
    assert.ok(initial.percent < 100, initial.heading);
    requirementCount = initial.statuses.length;
    assert.ok(initial.statuses.includes('Not met'), JSON.stringify(initial.statuses));
  });

  test('the member turns two next-level gaps into goals of their development plan', async () => {
    await clickAndWait(page, page.getByRole('link', { name: 'Your goals' }));
    planPath = new URL(page.url()).pathname;
    assert.equal(planPath, `${personPath}/plan`);
    assert.equal(await page.locator('h1').innerText(), 'Your development plan');
    const nextGaps = page.locator(`input[name="gaps"][value^="${NEXT_LEVEL_ID}:"]`);
    assert.ok((await nextGaps.count()) >= 2, 'the next level has gaps to choose');
    for (let i = 0; i < 2; i++) {
      const box = nextGaps.nth(i);
      await box.check();
      goalSkills.push((await box.getAttribute('value')).split(':')[1]);
    }
    await clickAndWait(page, page.getByRole('button', { name: 'Make these goals' }));
    assert.equal(await page.getByRole('status').innerText(), 'Goals added to the plan.');
    for (const skill of goalSkills) {
      assert.equal(await page.locator(`article.goal-open[data-skill="${skill}"]`).count(), 1, `an open goal for ${skill}`);
    }
    assert.equal(await page.locator(`input[name="gaps"][value="${NEXT_LEVEL_ID}:${goalSkills[0]}"]`).count(), 0,
      'a gap that is a goal is no longer offered');
    await page.goto(personPath);
  });

  test('the member starts (or continues) an assessment against the next level and submits a self-assessment', async () => {
    const open = page.locator('#open-next');
    const start = page.locator('#start-next');
    assert.equal((await open.count()) + (await start.count()), 1, 'either an open next-level assessment or a button to start one');
    await clickAndWait(page, (await open.count()) ? open : start);
    assessmentPath = new URL(page.url()).pathname;
    assert.match(assessmentPath, /^\/assessments\/\d+$/);
    assert.equal(await stageOf(page), 'self');
    assert.equal(await page.locator('h1').innerText(), `Your assessment against ${NEXT_LEVEL}`);

    // Each rating explains every level of its scale; the page has one key of the scales it uses.
    const first = page.locator('form#rating-form details.scale-levels').first();
    await first.locator('summary').click();
    assert.ok((await first.locator('dt').count()) >= 4, 'every level of the scale is listed');
    assert.match(await first.locator('dd').first().innerText(), /\S/, 'with what it means');
    assert.equal(await page.locator('#scale-key').count(), 1, 'one key of the scales');
    assert.ok((await page.locator('#scale-key h3').count()) >= 2, 'each scale used, once');
    await axeCheck(page, 'the self-assessment form');

    // Half of it, saved as a draft, comes back after a reload; nothing is submitted yet.
    selfLevels = await rateEverythingHighest(page);
    assert.equal(Object.keys(selfLevels).length, requirementCount, 'one rating per requirement of the next level');
    const names = Object.keys(selfLevels);
    const drafted = names.slice(0, Math.ceil(names.length / 2));
    for (const name of names.filter((n) => !drafted.includes(n))) {
      await page.locator(`form#rating-form select[name="${name}"]`).selectOption('');
    }
    const note = `Drafted at ${Date.now()}`;
    const firstSkill = drafted[0].slice('level.'.length);
    await page.locator(`#comment-${firstSkill}`).fill(note);
    await clickAndWait(page, page.locator('#save-draft'));
    assert.equal(await stageOf(page), 'self', 'a draft does not submit');
    assert.match(await page.getByRole('status').first().innerText(), /draft is saved/);
    await page.reload();
    assert.equal(await page.locator('#draft-saved').count(), 1, 'the draft is shown as a draft');
    for (const name of names) {
      const want = drafted.includes(name) ? selfLevels[name] : '';
      assert.equal(await page.locator(`form#rating-form select[name="${name}"]`).inputValue(), want, `${name} as drafted`);
    }
    assert.equal(await page.locator(`#comment-${firstSkill}`).inputValue(), note);

    // Anyone in the organisation can be asked for input: someone nobody knows is refused next to
    // the field, then a colleague from the list is asked about two skills.
    await page.locator('#peer').fill('nobody@example.com');
    await page.locator('#peer-form input[name="skills"]').first().check();
    await clickAndWait(page, page.locator('#request-peer'));
    assert.match(await page.locator('#peer-error').innerText(), /Nobody in the organisation has the email address/);
    await axeCheck(page, 'the assessment page with a peer error');
    const options = await page.locator('#peer-options option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(options.length > 5, `the whole organisation is offered (${options.length})`);
    assert.ok(!options.includes(MEMBER.email), 'not the person themselves');
    const colleague = options.find((o) => o !== MANAGER.email);
    await page.locator('#peer').fill(colleague);
    const boxes = page.locator('#peer-form input[name="skills"]');
    await boxes.nth(1).check();
    await clickAndWait(page, page.locator('#request-peer'));
    assert.match(await page.getByRole('status').first().innerText(), /request for peer input is sent/);

    // The draft is still there; the rest is rated and the whole submitted.
    selfLevels = await rateEverythingHighest(page);
    await clickAndWait(page, page.locator('#submit-self'));
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    assert.equal(await stageOf(page), 'manager', 'now waiting for the manager');
    assert.match(await page.getByRole('status').first().innerText(), /self-assessment is submitted/);
    assert.equal(await page.locator('#submit-manager').count(), 0, 'the member cannot rate as the manager');
    await signOut(page);
  });

  test('the manager is emailed that the self-assessment waits for their ratings, with a link to it', async () => {
    // The mailer sends every few seconds.
    const deadline = Date.now() + 60_000;
    let email;
    while (!email && Date.now() < deadline) {
      email = s.mail.messages().find((m) => m.startsWith(`X-Envelope-To: ${MANAGER.email}`)
        && m.includes(`${MEMBER.name} submitted their self-assessment`));
      if (!email) await sleep(500);
    }
    assert.ok(email, `an email to ${MANAGER.email}; arrived: ${s.mail.messages().length}`);
    assert.ok(email.includes(`${s.server.url}${assessmentPath}`), `the email links to the assessment:\n${email}`);
  });

  test('the manager sees it in their inbox and follows it to the assessment', async () => {
    await signIn(page, MANAGER);
    const inboxLink = page.locator('header').getByRole('link', { name: /^Inbox/ });
    assert.match(await inboxLink.innerText(), /\d+\s*unread/, 'an unread count in the header');
    await clickAndWait(page, inboxLink);
    await clickAndWait(page, page.getByRole('link', { name: new RegExp(`${MEMBER.name} submitted their self-assessment`) }).first());
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    await page.goto('/');
  });

  test('the manager opens the assessment from the member\'s person page and submits their ratings', async () => {
    if (!(await page.locator('header form.sign-out').count())) await signIn(page, MANAGER);
    await clickAndWait(page, page.getByRole('link', { name: MEMBER.name, exact: true }).first());
    assert.equal(new URL(page.url()).pathname, personPath, 'the home page links to the report\'s person page');
    await clickAndWait(page, page.locator('#open-next'));
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    assert.equal(await stageOf(page), 'manager');
    assert.equal(await page.locator('h1').innerText(), `${MEMBER.name} against ${NEXT_LEVEL}`);

    const managerLevels = await rateEverythingHighest(page);
    assert.deepEqual(managerLevels, selfLevels, 'the manager rates the same requirements');
    await clickAndWait(page, page.locator('#submit-manager'));
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    assert.equal(await stageOf(page), 'compare', 'self and manager side by side');
  });

  test('at the compare stage the manager records the agreed outcome', async () => {
    // The agreed form starts at the manager's ratings.
    const form = page.locator('form#rating-form');
    for (const [name, value] of Object.entries(selfLevels)) {
      assert.equal(await form.locator(`select[name="${name}"]`).inputValue(), value, `${name} starts at the manager's rating`);
    }
    const agreed = await rateEverythingHighest(page);
    assert.deepEqual(agreed, selfLevels);
    await clickAndWait(page, page.locator('#submit-agreed'));
    assert.equal(new URL(page.url()).pathname, assessmentPath);
    assert.equal(await stageOf(page), 'agreed');
    assert.match(await page.getByRole('status').first().innerText(), /agreed outcome is recorded/);
    assert.equal(await page.locator('#submit-agreed').count(), 0, 'the assessment is closed');
  });

  test('the manager sees the member\'s next-level readiness change', async () => {
    await page.goto(personPath);
    const now = await nextReadiness(page);
    assert.equal(now.verdict, 'Ready', now.heading);
    assert.ok(now.percent > initial.percent, `${now.percent}% > ${initial.percent}%`);
    assert.equal(now.statuses.length, requirementCount);
    assert.ok(now.statuses.every((s) => s === 'Met'), JSON.stringify(now.statuses));
    await signOut(page);
  });

  test('the member sees the same change on their own person page', async () => {
    await signIn(page, MEMBER);
    await clickAndWait(page, page.getByRole('link', { name: 'Your readiness' }));
    assert.equal(new URL(page.url()).pathname, personPath);
    const now = await nextReadiness(page);
    assert.equal(now.verdict, 'Ready', now.heading);
    assert.ok(now.percent > initial.percent, `${now.percent}% > ${initial.percent}%`);
    assert.ok(now.statuses.every((s) => s === 'Met'), JSON.stringify(now.statuses));
    // The assessment is listed as agreed, and no next-level assessment is open any more.
    const row = page.getByRole('table', { name: 'Assessments, newest first' })
      .getByRole('row').filter({ has: page.locator(`a[href="${assessmentPath}"]`) });
    assert.match(await row.innerText(), /Agreed/);
    assert.equal(await page.locator('#open-next').count(), 0);
    assert.equal(await page.locator('#start-next').count(), 1, 'a new next-level assessment can be started');
  });

  test('the member confirms the agreed outcome; a dispute would need a comment', async () => {
    await page.goto(assessmentPath);
    assert.equal(await stageOf(page), 'agreed');
    await axeCheck(page, 'the agreed assessment with its confirm and dispute buttons');
    // Disputing needs a comment, said next to the field.
    await clickAndWait(page, page.locator('#dispute-outcome'));
    assert.match(await page.locator('#outcome_comment-error').innerText(), /Say what you disagree with/);
    await axeCheck(page, 'a dispute without a comment');
    await page.locator('#outcome_comment').fill('Agreed, thank you.');
    await clickAndWait(page, page.locator('#confirm-outcome'));
    assert.match(await page.getByRole('status').first().innerText(), /confirmed the agreed outcome/);
    assert.equal(await page.locator('#outcome-answer h2').innerText(), 'Outcome confirmed');
    assert.equal(await page.locator('#confirm-outcome').count(), 0, 'answered once');
  });

  test('the member adds evidence with checkboxes, edits it and deletes it', async () => {
    await page.goto(`${personPath}/evidence`);
    const title = `Ran the design review ${Date.now()}`;
    await page.getByLabel('What happened, in a few words').fill(title);
    const own = page.locator('#skills > ul.checkboxes input[type="checkbox"]');
    assert.ok((await own.count()) >= 3, 'their role level\'s skills first');
    await own.first().check();
    assert.equal(await page.locator('#skills details.other-skills').count(), 1, 'the other skills in a disclosure');
    await axeCheck(page, 'the evidence page');
    await clickAndWait(page, page.locator('#add-evidence'));
    assert.match(await page.getByRole('status').innerText(), /evidence is added/);
    const entry = page.locator('ol.evidence-log li', { hasText: title });
    await clickAndWait(page, entry.getByRole('link', { name: /^Edit/ }));
    assert.match(await page.locator('h1').innerText(), /^Edit/);
    await axeCheck(page, 'the evidence edit page');
    await page.getByLabel('What happened, in a few words').fill(`${title} (edited)`);
    await clickAndWait(page, page.locator('#save-evidence'));
    assert.match(await page.getByRole('status').innerText(), /evidence is updated/);
    const edited = page.locator('ol.evidence-log li', { hasText: `${title} (edited)` });
    assert.equal(await edited.count(), 1);
    await clickAndWait(page, edited.getByRole('button', { name: /^Delete/ }));
    assert.match(await page.getByRole('status').innerText(), /evidence is deleted/);
    assert.equal(await page.locator('ol.evidence-log li', { hasText: title }).count(), 0);
  });

  test('the agreed outcome meets the goals of the member\'s plan', async () => {
    await page.goto(planPath);
    for (const skill of goalSkills) {
      const met = page.locator(`article.goal-met[data-skill="${skill}"]`);
      assert.equal(await met.count(), 1, `the goal for ${skill} is met by the agreed ratings`);
      assert.match(await met.locator('h3 .badge-goal-met').innerText(), /^Met on \d{4}-\d{2}-\d{2}$/);
    }
    await signOut(page);
  });

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(page.errors, []);
  });
});
