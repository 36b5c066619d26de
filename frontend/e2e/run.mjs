// The web app end to end in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): starts a `promptops` binary on a fresh data dir and a free port, runs the
// journey in steps/ in file order against it, checks every page visited with axe-core (no
// serious or critical violation), and fails on any uncaught page error.
//
// Usage: node e2e/run.mjs [path to promptops] (default $CARGO_TARGET_DIR/debug/promptops)
// Env: CHROMIUM (default /usr/bin/chromium), E2E_ONLY=<substring of step files>,
//      E2E_KEEP_SCREENSHOTS=1 keeps every step's screenshot (they are kept anyway on failure)
//      in e2e/artifacts/, E2E_HEADED=1, PROMPTOPS_E2E_BASE=<url> to use a running server.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { checkA11y } from './lib/axe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const target = process.env.CARGO_TARGET_DIR ?? join(process.env.HOME ?? '', '.cache/promptops-target');
const binary = resolve(process.argv[2] ?? join(target, 'debug/promptops'));

async function startServer() {
  if (process.env.PROMPTOPS_E2E_BASE) return { base: process.env.PROMPTOPS_E2E_BASE, stop: async () => {} };
  const data = mkdtempSync(join(tmpdir(), 'promptops-e2e-'));
  const env = { ...process.env, PROMPTOPS_LOG: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(binary, ['serve', '--addr', '127.0.0.1:0', '--data-dir', data], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      const found = /PromptOps listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        ok(found[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => fail(new Error(`the server exited (${code}):\n${log}`)));
  });
  return {
    base,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok).once('error', ok));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function main() {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const server = await startServer();
  console.log(`server at ${server.base}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: !process.env.E2E_HEADED,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const pageErrors = [];
  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ viewport, baseURL: server.base });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/.test(message.text())) {
        pageErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
    return page;
  };

  let counter = 0;
  const t = {
    base: server.base,
    browser,
    newPage,
    /** State the steps share (users, ids, the main page). */
    state: {},
    /** Runs one named step; screenshots it; on failure keeps the screenshot and rethrows. */
    async step(name, page, fn) {
      counter += 1;
      const file = join(artifacts, `${String(counter).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      const started = Date.now();
      try {
        await fn();
        if (pageErrors.length > 0) throw new Error(`errors in the page:\n${pageErrors.join('\n')}`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`  ok   ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        await page.screenshot({ path: file.replace(/\.png$/, '-FAILED.png'), fullPage: true }).catch(() => {});
        console.log(`  FAIL ${name}`);
        throw error;
      }
    },
    /** axe-core on the page as it is now: no serious or critical violation. */
    axe: (page, what) => checkA11y(page, what),
  };

  const only = process.env.E2E_ONLY;
  const steps = readdirSync(join(here, 'steps'))
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  let failed = false;
  try {
    for (const file of steps) {
      if (only && !file.includes(only) && !/^0[01]-/.test(file)) continue;
      console.log(file);
      const module = await import(pathToFileURL(join(here, 'steps', file)).href);
      await module.default(t);
    }
  } catch (error) {
    failed = true;
    console.error(error);
    if (server.log) console.error(`--- server log ---\n${server.log().slice(-4000)}`);
    console.error(`screenshots kept in ${artifacts}`);
  } finally {
    await browser.close();
    await server.stop();
  }
  if (failed) process.exit(1);
  if (!process.env.E2E_KEEP_SCREENSHOTS) rmSync(artifacts, { recursive: true, force: true });
  console.log('e2e: the journey passed in Chromium');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
