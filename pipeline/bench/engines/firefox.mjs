// Firefox for the engine tests and benchmark (pipeline/bench/engines/firefox.py starts it): puppeteer-core over WebDriver
// BiDi drives the system's Firefox, so nothing is downloaded. It reads one JSON request a line on stdin,
// {id, op, ...arguments}, and answers each on stdout as {id, value} or {id, error}; the first line out is
// {version} once the browser is up. Requests run one after another, in the order they came.
import readline from 'node:readline';
import puppeteer from 'puppeteer-core';

const { executablePath, width, height } = JSON.parse(process.argv[2]);
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath,
  headless: true,
  defaultViewport: { width, height },
});
const page = await browser.newPage();

// Console errors and uncaught exceptions since they were last collected: BiDi reports them from the page's start.
// BiDi hands over a logged object by value, not by handle (an Error reads "JSHandle@error"), so where it was logged
// is added to find it by.
const errors = [];
page.on('console', (message) => {
  if (message.type() !== 'error') return;
  const [where] = message.stackTrace();
  const at = where ? ` (${where.url}:${where.lineNumber + 1}:${where.columnNumber + 1})` : '';
  errors.push(message.text() + at);
});
page.on('pageerror', (error) => errors.push(`uncaught: ${error.message ?? error}`));

const ops = {
  goto: async ({ url }) => {
    await page.goto(url);
  },
  reload: async () => {
    await page.reload();
  },
  // An expression; a promise it gives is awaited. Its value must survive JSON.
  evaluate: ({ expression }) => page.evaluate(expression),
  // Each path: the pen down at its first point, moved through the rest, then up; page coordinates.
  draw: async ({ paths }) => {
    for (const [[x, y], ...rest] of paths) {
      await page.mouse.move(x, y);
      await page.mouse.down();
      for (const [px, py] of rest) await page.mouse.move(px, py);
      await page.mouse.up();
    }
  },
  click: async ({ selector }) => {
    await page.click(selector);
  },
  select: async ({ selector, value }) => {
    await page.select(selector, value);
  },
  upload: async ({ selector, path }) => {
    const input = await page.$(selector);
    if (!input) throw new Error(`no ${selector} on the page`);
    await input.uploadFile(path);
  },
  errors: () => errors.splice(0),
};

const out = (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`);
out({ version: await browser.version() });

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { id, op, ...args } = JSON.parse(line);
  if (op === 'close') break;
  try {
    if (!ops[op]) throw new Error(`unknown op ${op}`);
    out({ id, value: (await ops[op](args)) ?? null });
  } catch (error) {
    out({ id, error: error.stack ?? String(error) });
  }
}
// stdin closed (or close asked): the browser must not outlive its driver.
await browser.close();
