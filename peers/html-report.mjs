// Opens an HTML report of `check` in headless Chromium (Debian's, through
// playwright-core, pinned) and checks what a reader relies on: it renders from a file
// with every network request refused (self-contained), its counts are the run's (read
// from the JSON report of the same run), the status, tag and text filters show exactly
// the scenarios they should, a failure opens onto its findings, its redacted HTTP
// exchange and a curl line, and no secret or usable token is on the page. Leaves a
// screenshot of the failures.
//   node peers/html-report.mjs REPORT.html REPORT.json SCREENSHOT.png SECRET...
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [htmlPath, jsonPath, shotPath, ...secrets] = process.argv.slice(2);
const run = JSON.parse(readFileSync(jsonPath, 'utf8'));
const want = { failed: 0, warned: 0, passed: 0, skipped: 0 };
for (const s of run.scenarios) {
  const warned = s.status === 'passed' && s.findings.some((f) => !f.passed && f.severity === 'warn');
  want[warned ? 'warned' : s.status] += 1;
}
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const fetched = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    fetched.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(htmlPath)).href);
  await page.waitForSelector('details.scenario', { state: 'attached' });
  check(fetched.length === 0, `the page asked the network for ${fetched.join(', ')}`);
  // And it could not have: its content security policy allows nothing from outside.
  const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  check(/default-src 'none'/.test(csp ?? ''), `the page's content security policy is "${csp}"`);
  check(errors.length === 0, `script errors: ${errors.join('; ')}`);

  // The counts are the run's.
  const count = async (id) => parseInt(await page.locator(`#count-${id}`).textContent(), 10);
  check(await count('failed') === want.failed, `failed count ${await count('failed')}, the run had ${want.failed}`);
  check(await count('skipped') === want.skipped, `skipped count ${await count('skipped')}, the run had ${want.skipped}`);
  check(await count('warned') === want.warned, `warned count ${await count('warned')}, the run had ${want.warned}`);
  check(await count('passed') === want.passed, `passed count ${await count('passed')}, the run had ${want.passed} without warnings`);
  const total = run.scenarios.length;
  // What the filters leave in (a scenario of a closed area is in, but folded away).
const shown = async () => page.locator('details.scenario:not([hidden])').count();
  const shownText = async () => page.locator('#shown').textContent();
  check((await shownText()).startsWith(`${total} of ${total}`), `at first it shows "${await shownText()}"`);
  check(want.failed > 0, 'the run has no failure to look at');

  // A failure opens onto its findings, its exchange and its curl line.
  const failure = page.locator('details.scenario[data-status=failed]').first();
  check(await failure.getAttribute('open') !== null && await failure.isVisible(), 'a failed scenario is not open');
  await failure.scrollIntoViewIfNeeded();
  check(await failure.locator('tr.fail').count() > 0, 'the failure shows no failed finding');
  const rule = failure.locator('tr.fail a').first();
  check(/^https:\/\//.test(await rule.getAttribute('href') ?? ''), 'the failed rule has no link to its clause');
  const exchange = failure.locator('pre.transcript');
  check(await exchange.isVisible(), 'the failure shows no HTTP exchange');
  const exchangeText = (await exchange.count()) ? await exchange.textContent() : '';
  check(/^> (GET|POST) /m.test(exchangeText) && /^< \d{3}$/m.test(exchangeText),
    `the exchange shows no request and response: ${exchangeText.slice(0, 200)}`);
  check(/«[^»]+»/.test(exchangeText), 'the exchange shows no redaction');
  const curl = (await failure.locator('.curl pre').count()) ? await failure.locator('.curl pre').textContent() : '';
  check(curl.startsWith('curl '), `the repeat line is not a curl command: ${curl}`);

  // Filters: failures only; then a tag; then text.
  for (const st of ['warned', 'passed', 'skipped']) await page.locator(`input[name=status][value=${st}]`).uncheck();
  check(await shown() === want.failed, `with only failures on, ${await shown()} shown, want ${want.failed}`);
  check(await page.locator('details.area:not([hidden])').count() > 0, 'no area is shown with failures on');
  check(await page.locator('details.area:not([hidden]):not(:has(details.scenario[data-status=failed]))').count() === 0,
    'an area without failures is shown with only failures on');
  await page.screenshot({ path: shotPath, fullPage: true });
  for (const st of ['warned', 'passed', 'skipped']) await page.locator(`input[name=status][value=${st}]`).check();
  const tag = 'revocation';
  const tagged = run.scenarios.filter((s) => s.tags.includes(tag)).length;
  await page.selectOption('#tag', tag);
  check(tagged > 0 && await shown() === tagged, `tag @${tag}: ${await shown()} shown, the run has ${tagged}`);
  await page.selectOption('#tag', '');
  const name = run.scenarios.find((s) => s.status === 'failed').scenario;
  await page.fill('#find', name);
  const named = run.scenarios.filter((s) => s.scenario.toLowerCase().includes(name.toLowerCase())).length;
  check(await shown() >= named && await shown() > 0, `finding "${name}" shows ${await shown()}`);
  await page.fill('#find', '');
  check((await shownText()).startsWith(`${total} of`), 'clearing the filters does not show everything again');

  // Nothing secret on the page.
  const html = readFileSync(htmlPath, 'utf8');
  for (const s of secrets.filter((s) => s.length >= 6)) check(!html.includes(s), `a secret is on the page (${s.slice(0, 3)}…)`);
  check(!/eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]{8,}/.test(html), 'a signed JWT is on the page');
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`html-report: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`html-report: renders offline, counts match (${want.failed} failed, ${want.passed} passed, ${want.warned} warned, ${want.skipped} skipped), filters work, a failure shows its exchange; screenshot ${shotPath}`);
