// Drives the mock's Swagger UI (/rest.core/swagger/index.html) in headless Chromium
// (Debian's, through playwright-core, pinned) the way the MyID manual does (§5.2):
// Authorize with client credentials and call GET /api/People from the page, then
// Authorize again with the code flow for myid.operatorclient — the sign-in in its
// popup, back through oauth2-redirect.html — and call it as the signed-in person.
//   node peers/swagger-ui.mjs BASE_URL
import { chromium } from 'playwright-core';

const base = process.argv[2].replace(/\/$/, '');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const fail = async (why) => {
  console.error(`swagger-ui: ${why}`);
  await browser.close();
  process.exit(1);
};
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/rest.core/swagger/index.html`);
  await page.waitForSelector('.btn.authorize', { timeout: 30000 });

  // A call from the page: expand GET /api/People, try it out with q=*, execute.
  const callPeople = async () => {
    const op = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/api\/People$/ }) }).first();
    if (!(await op.locator('.try-out').isVisible().catch(() => false))) {
      await op.locator('.opblock-summary').click();
    }
    const tryOut = op.locator('button.try-out__btn');
    if ((await tryOut.textContent()).trim() === 'Try it out') await tryOut.click();
    const q = op.locator('tr[data-param-name="q"] input');
    if (await q.count()) await q.fill('*');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/rest.core/api/People') && r.request().method() === 'GET'),
      op.locator('button.execute').click(),
    ]);
    return { status: response.status(), body: await response.json().catch(() => null) };
  };

  // §5.2.1: client credentials.
  await page.click('.btn.authorize');
  const cc = page.locator('.auth-container').filter({ hasText: 'clientCredentials' });
  await cc.locator('input#client_id_clientCredentials').fill('myid.mysystem');
  await cc.locator('input#client_secret_clientCredentials').fill('82564d6e-c4a6-4f64-a6d4-cac43781c67c');
  await cc.locator('input[type=checkbox]').first().check();
  const [tokenResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/web.oauth2/connect/token')),
    cc.locator('button.authorize').click(),
  ]);
  if (tokenResponse.status() !== 200) await fail(`client credentials: token endpoint answered ${tokenResponse.status()}`);
  await page.click('.btn-done');
  let r = await callPeople();
  if (r.status !== 200 || !r.body?.results?.some((p) => p.logonName === 'test.user')) await fail(`GET /api/People as the system: ${r.status}`);
  console.log(`swagger-ui: client credentials, GET /api/People: ${r.status}, ${r.body.results.length} people`);

  // §5.2.2: the code flow for myid.operatorclient, signing in in the popup.
  await page.click('.btn.authorize');
  await page.locator('.auth-container').filter({ hasText: 'clientCredentials' }).locator('button', { hasText: 'Logout' }).click();
  const code = page.locator('.auth-container').filter({ hasText: 'authorizationCode' });
  // The manual: client_id myid.operatorclient (the page shares one client id per scheme).
  await code.locator('input#client_id_authorizationCode').fill('myid.operatorclient');
  await code.locator('input[type=checkbox]').first().check();
  const [popup] = await Promise.all([page.waitForEvent('popup'), code.locator('button.authorize').click()]);
  await popup.waitForLoadState();
  if (!(await popup.locator('input[name=Username]').count())) {
    await fail(`the sign-in popup is at ${popup.url()}: ${(await popup.content()).slice(0, 400)}`);
  }
  await popup.fill('input[name=Username]', 'test.user');
  await popup.fill('input[name=Password]', 'test-password');
  const [codeToken] = await Promise.all([
    page.waitForResponse((resp) => resp.url().includes('/web.oauth2/connect/token'), { timeout: 30000 }),
    popup.click('button[value=login]'),
  ]);
  if (codeToken.status() !== 200) await fail(`code flow: token endpoint answered ${codeToken.status()}`);
  await page.click('.btn-done');
  r = await callPeople();
  const groups = new Set((r.body?.results || []).map((p) => p.group?.id));
  if (r.status !== 200 || groups.size !== 1) await fail(`GET /api/People as test.user: ${r.status}, groups ${[...groups]}`);
  console.log(`swagger-ui: code flow as test.user, GET /api/People: ${r.status}, ${r.body.results.length} people in the person's division`);
} catch (e) {
  await fail(e.stack || String(e));
}
await browser.close();
console.log('swagger-ui: 1 passed, 0 failed');
