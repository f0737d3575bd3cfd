// Drives the page at / of a served mock (with --control) in headless Chromium
// (Debian's, through playwright-core, pinned): the endpoints are listed as full URLs,
// a token is minted from the form, and the mint request then shows in the page's list
// of latest requests, with its client.
//   node peers/mock-home.mjs BASE_URL CLIENT_ID
import { chromium } from 'playwright-core';

const base = process.argv[2].replace(/\/$/, '');
const clientId = process.argv[3];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const fail = async (why) => {
  console.error(`mock-home: ${why}`);
  await browser.close();
  process.exit(1);
};
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  const token = await page.locator('#endpoints tr', { hasText: /^token/ }).first().locator('a').textContent();
  if (!token || !token.startsWith(base)) await fail(`the token endpoint is not a full URL: ${token}`);
  if (!(await page.locator('#clients', { hasText: clientId }).count())) await fail(`the client ${clientId} is not listed`);

  await page.fill('#mint input[name=client_id]', clientId);
  await page.click('#mint button[type=submit]');
  await page.waitForFunction(() => document.getElementById('minted').value.length > 0, null, { timeout: 10000 });
  const minted = await page.inputValue('#minted');
  if (minted.split('.').length !== 3) await fail('the minted token is not a JWT');
  const row = page.locator('#requests tr', { hasText: '/_mock/tokens' }).first();
  await row.waitFor({ timeout: 10000 });
  if (!(await row.textContent()).includes(clientId)) await fail('the mint request does not name its client');
  if (!(await row.textContent()).includes('200')) await fail('the mint request is not shown as answered 200');

  // An unknown client is refused on the page, and the refusal's reason is listed.
  await page.fill('#mint input[name=client_id]', 'nobody');
  await page.click('#mint button[type=submit]');
  await page.waitForFunction(() => document.getElementById('mint-error').textContent.includes('nobody'), null, { timeout: 10000 });
  await page.locator('#requests tr', { hasText: 'no client' }).first().waitFor({ timeout: 10000 });
  console.log(`mock-home: listed ${await page.locator('#endpoints tr').count()} endpoints, minted a token for ${clientId}, saw both mint requests`);
  await browser.close();
} catch (e) {
  await fail(e.message);
}
