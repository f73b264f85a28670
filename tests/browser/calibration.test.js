// Browser test of calibration: the people team opens the calibration of the demo's "Autumn review",
// sees the lenient manager flagged, holds his people's session, moves one outcome back to the
// required level with a reason, and the moved list and the distribution show it. The real
// `trellis serve --demo` (fresh SQLite database) in headless Debian Chromium through playwright-core,
// as in trellis.test.js.
//
//   cd tests/browser && npm ci && node --test calibration.test.js
//
// CHROMIUM overrides the browser path (default /usr/bin/chromium).
'use strict';

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait } = require('./helpers');

// In the demo organisation Grace is the people team; Daniel Cohen agreed his people's outcomes a
// level above what their role levels require.
const PEOPLE_TEAM = { email: 'grace.mensah@example.com', name: 'Grace Mensah' };
const LENIENT = 'Daniel Cohen';
const CYCLE = 'Autumn review';
const REASON = 'Compared with the other engineers in the session, the evidence shows the required level.';

const s = suite({ mail: true });
const { axeCheck } = s;

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The counts of a manager's row in the distribution table by manager: the five buckets, then the total. */
async function managerCounts(page, name) {
  const row = page.locator('#by-manager-table tbody tr').filter({ has: page.locator('th', { hasText: name }) });
  assert.equal(await row.count(), 1, `${name} has a row in the distribution by manager`);
  return (await row.locator('td').allInnerTexts()).slice(0, 6).map(Number);
}

describe('the people team calibrates a cycle and moves one outcome with a reason', () => {
  let context;
  let page;
  let calibrationPath;
  let counted; // the lenient manager's row before the move
  let person;

  test('the people team opens the calibration of the cycle from its page', async () => {
    ({ context, page } = await s.signedIn(PEOPLE_TEAM));
    assert.equal(await page.locator('h1').innerText(), `Hello, ${PEOPLE_TEAM.name}`);

    await page.goto('/cycles');
    await clickAndWait(page, page.getByRole('link', { name: CYCLE, exact: true }));
    await clickAndWait(page, page.locator('#calibration-link a'));
    calibrationPath = new URL(page.url()).pathname;
    assert.match(calibrationPath, /^\/cycles\/\d+\/calibration$/);
    assert.equal(await page.locator('h1').innerText(), `Calibration of ${CYCLE}`);
    // Charts with their tables, and the rule the flag follows.
    assert.ok((await page.locator('svg.calibration-chart').count()) >= 4, 'a chart per grouping');
    assert.match(await page.locator('#leniency-rule').innerText(), /95% confidence interval/);
    assert.match(await page.locator('h2#moved + p').innerText(), /No outcome has been moved/);
  });

  test('the lenient manager is flagged, with the number of ratings behind it', async () => {
    const row = page.locator('table.calibration-leniency tbody tr').filter({ has: page.locator('th', { hasText: LENIENT }) });
    assert.equal(await row.count(), 1);
    const cells = await row.locator('td').allInnerTexts();
    assert.ok(Number(cells[0]) >= 10, `enough ratings behind the flag: ${cells}`);
    assert.match(cells[4], /More lenient than the organisation/);
    counted = await managerCounts(page, LENIENT);
    assert.ok(counted[3] > 0, `outcomes a level above required: ${counted}`);
    await axeCheck(page, 'the calibration page');
  });

  test('the session lists the manager\'s people with readiness and evidence, and one outcome moves with a reason', async () => {
    const row = page.locator('table.calibration-leniency tbody tr').filter({ has: page.locator('th', { hasText: LENIENT }) });
    await clickAndWait(page, row.getByRole('link', { name: LENIENT }));
    assert.match(await page.locator('h1').innerText(), new RegExp(`^Calibration session of ${CYCLE}`));
    const people = page.locator('table.calibration-session tbody tr');
    assert.ok((await people.count()) >= 2, 'the manager\'s people side by side');
    assert.match(await people.first().locator('td').nth(3).innerText(), /Ready|Not ready|Not yet assessed/);
    await axeCheck(page, 'the calibration session');

    const link = people.first().locator('th a');
    person = (await link.innerText()).trim();
    await clickAndWait(page, link);
    assert.equal(await page.locator('h1').innerText(), `Calibrate ${person}'s outcome`);
    // The first requirement whose outcome sits above the required level.
    const rows = page.locator('table.calibration-outcomes tbody tr');
    let skill;
    let required;
    for (let i = 0; i < (await rows.count()); i++) {
      const gap = (await rows.nth(i).locator('td').nth(2).innerText()).trim();
      if (Number(gap) > 0) {
        skill = (await rows.nth(i).locator('th').innerText()).trim();
        required = (await rows.nth(i).locator('td').nth(0).innerText()).trim();
        break;
      }
    }
    assert.ok(skill, 'an outcome above the required level');

    // Without a reason nothing moves, and the form says why next to the field.
    const skillValue = await page.locator('#skill option').filter({ hasText: new RegExp(`^${escapeRegExp(skill)} \\(now `) }).getAttribute('value');
    await page.locator('#skill').selectOption(skillValue);
    const levelValue = await page.locator(`#level optgroup[label="${skill}"] option`).filter({ hasText: required }).first().getAttribute('value');
    await page.locator('#level').selectOption(levelValue);
    await clickAndWait(page, page.getByRole('button', { name: 'Move the outcome' }));
    assert.match(await page.locator('#reason-error').innerText(), /a reason is required/);
    await axeCheck(page, 'the move form with an error');

    await page.locator('#skill').selectOption(skillValue);
    await page.locator('#level').selectOption(levelValue);
    await page.getByLabel('Why it moves').fill(REASON);
    await clickAndWait(page, page.getByRole('button', { name: 'Move the outcome' }));
    assert.equal(new URL(page.url()).pathname, calibrationPath);
    assert.match(await page.getByRole('status').innerText(), /Outcome moved/);

    // The moved list names who, what, before and after, and why.
    const moved = page.locator('table.calibration-moved tbody tr');
    assert.equal(await moved.count(), 1);
    const text = await moved.first().innerText();
    for (const part of [person, skill, required, PEOPLE_TEAM.name, REASON]) {
      assert.ok(text.includes(part), `the moved list shows ${part}: ${text}`);
    }
    // The distribution follows: one outcome less above the required level, one more at it.
    const after = await managerCounts(page, LENIENT);
    assert.equal(after[3], counted[3] - 1, `one fewer a level above: ${counted} → ${after}`);
    assert.equal(after[2], counted[2] + 1, `one more at the required level: ${counted} → ${after}`);
    assert.equal(after[5], counted[5], 'as many outcomes');
    await axeCheck(page, 'the calibration page with a moved outcome');
  });

  test('no page broke the Content-Security-Policy or threw', async () => {
    assert.deepEqual(page.errors, []);
    if (context) await context.close();
  });
});
