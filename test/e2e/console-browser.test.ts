// The console in a real browser (Debian's chromium, driven by playwright-core): sign in with the
// data directory's key, invoke a function from the Test tab, see its log line arrive in the live
// tail, the chart and the list's counts move, and replay it from the history. Waits on the DOM,
// never on sleeps. With CONSOLE_SCREENSHOTS=1 it also writes docs/console/*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateAliasCommand, CreateFunctionCommand, PublishVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/console') : undefined;
const skip = fs.existsSync(CHROMIUM) ? false : 'needs Debian chromium (apt-get install chromium)';
/**
 * Every wait is on the DOM, bounded generously: on a loaded 2-core machine a cold start, a poll
 * interval (3-5 s) and a page render can add up, but nothing should take a minute.
 */
const WAIT_MS = 60_000;

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

let gust: GustProcess;
let lambda: LambdaClient;
let browser: Browser;

before(async () => {
  if (skip) return;
  gust = await startGust();
  lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'hello-console', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, MemorySize: 256, Description: 'Says hello and logs a few lines', Code: { ZipFile: await fixtureZip('node-logs') }, Environment: { Variables: { STAGE: 'dev' } } }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'resize-images', Runtime: 'python3.11', Handler: 'app.handler', Role: role, Code: { ZipFile: await fixtureZip('python-hello') } }));
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'hello-console' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'hello-console', Name: 'live', FunctionVersion: v1.Version }));
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
  await gust?.stop();
});

/**
 * Collects what would show that the page is broken: script errors, console errors and every CSP
 * violation. The page reports violations itself (securitypolicyviolation), so a blocked inline
 * style or script fails the test even when the browser would only log it.
 */
function watch(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
}

async function newWatchedContext(colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  return context;
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(0, 0); // no hover effect left where the test last clicked
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

test('sign in, invoke from the page, see the log line, the chart and the list move, replay from history', { skip, timeout: 5 * WAIT_MS }, async () => {
  const context = await newWatchedContext('light');
  const page = await context.newPage();
  const problems: string[] = [];
  watch(page, problems);

  await page.goto(`${gust.url}/console`);
  await shot(page, 'sign-in');
  await page.fill('input[name=accessKeyId]', gust.credentials.accessKeyId);
  await page.fill('input[name=secretAccessKey]', 'wrong-secret');
  await page.click('button[type=submit]');
  await page.locator('[role=alert]').waitFor();
  await page.fill('input[name=secretAccessKey]', gust.credentials.secretAccessKey);
  await page.fill('input[name=region]', gust.region);
  await page.click('button[type=submit]');

  // The list, before any invocation.
  const row = page.getByTestId('fn-row-hello-console');
  await row.waitFor();
  assert.equal(await row.getByTestId('row-invocations').textContent(), '0');

  // Test tab: invoke.
  await page.goto(`${gust.url}/console#/functions/hello-console/test`);
  await page.getByTestId('event-editor').fill('{"tag":"from-the-browser","lines":2}');
  await page.getByTestId('invoke').click();
  await page.getByTestId('invoke-response').filter({ hasText: '"logged"' }).waitFor();
  await shot(page, 'test-invoke');

  // The live tail shows the line the invocation logged.
  await page.getByTestId('tab-logs').click();
  await page.getByTestId('log-tail').filter({ hasText: 'line 1 from-the-browser' }).waitFor();
  await shot(page, 'logs');

  // The chart moved: its series now sum to one invocation.
  await page.getByTestId('tab-overview').click();
  await page.locator('[data-testid=chart-invocations][data-total^="1,"]').waitFor();
  await page.locator('[data-testid=chart-invocations] canvas').waitFor();
  await shot(page, 'function');

  // History: open it and replay it.
  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-row').first().click();
  await page.getByTestId('history-detail').filter({ hasText: 'from-the-browser' }).waitFor();
  await page.getByTestId('replay').click();
  await page.getByTestId('replay-response').filter({ hasText: '"logged"' }).waitFor();
  await page.getByTestId('history-row').nth(1).waitFor(); // the replay joins the list
  await shot(page, 'history');

  // The code browser reads the zip.
  await page.getByTestId('tab-code').click();
  await page.getByTestId('code-files').getByText('index.js').click();
  await page.getByTestId('code-view').filter({ hasText: 'exports.handler' }).waitFor();
  await shot(page, 'code');

  await page.getByTestId('tab-versions').click();
  await page.getByTestId('alias-live').filter({ hasText: 'v1 · 100%' }).waitFor();
  await shot(page, 'versions');

  // A function never invoked: each tab says what to do rather than showing nothing.
  for (const [tab, hint] of [['history', 'No invocations kept yet'], ['logs', 'No log lines yet'], ['triggers', 'gust route add GET /hello resize-images']] as const) {
    await page.goto(`${gust.url}/console#/functions/resize-images/${tab}`);
    await page.locator('.empty').filter({ hasText: hint }).waitFor();
  }
  await shot(page, 'triggers-empty');

  // Back to the list: two invocations now (the test and its replay).
  await page.goto(`${gust.url}/console#/functions`);
  await page.getByTestId('fn-row-hello-console').getByTestId('row-invocations').filter({ hasText: /^2$/ }).waitFor();
  await shot(page, 'functions');

  await page.getByTestId('nav-usage').click();
  await page.getByTestId('usage').filter({ hasText: 'hello-console' }).waitFor();
  await shot(page, 'usage');

  if (SHOTS) {
    const dark = await newWatchedContext('dark');
    const p2 = await dark.newPage();
    watch(p2, problems);
    await p2.goto(`${gust.url}/console`);
    await p2.fill('input[name=accessKeyId]', gust.credentials.accessKeyId);
    await p2.fill('input[name=secretAccessKey]', gust.credentials.secretAccessKey);
    await p2.click('button[type=submit]');
    await p2.goto(`${gust.url}/console#/functions/hello-console/overview`);
    await p2.locator('[data-testid=chart-invocations][data-total^="2,"]').waitFor();
    await shot(p2, 'function-dark');
    await dark.close();
  }
  await context.close();
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});
