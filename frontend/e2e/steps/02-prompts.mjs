// Prompts, playground, executions: the owner creates a prompt (MOCK echo, one user message
// with {{topic}}, tokenDelayMs 60), runs it in the playground and watches the tokens stream,
// saves a second version, moves labels (staging → v2, production promoted from staging),
// and opens the diff of v1 and v2; then the executions list and the run's page, the list's
// status and prompt filters; and the prompts list's tag filter, pages and search.
//
// Sets t.state.prompt = { id, name } (a prompt with two versions; v2 is labelled staging and
// production) and t.state.executionId (a SUCCEEDED run of v1).
// Relies on: button "New prompt", button "New version", link "Open in playground", labels
// "Name", "Content of message 1", "Extra (JSON object)", "Commit message", "topic",
// buttons "Create prompt", "Run", "Save version", "Set label", "Promote", link "Diff with v1".

import { currentOrg, email } from '../lib/util.mjs';

const V1 = 'Tell me about {{topic}} please';
const V2 = 'Explain {{ topic }} to a child';
const TOPIC = 'the slow migration of arctic terns from pole to pole across the whole wide ocean every single year without rest';

/** A GraphQL request from the page, with its session. */
async function api(page, query, variables) {
  return page.evaluate(
    async ([q, v]) => {
      const s = JSON.parse(localStorage.getItem('promptops.session'));
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.accessToken },
        body: JSON.stringify({ query: q, variables: v }),
      });
      return r.json();
    },
    [query, variables],
  );
}

/** The signed-in page of 01-auth, or (when it did not run) a new owner signed up here. */
async function signedInPage(t) {
  if (t.state.page) return t.state.page;
  const page = await t.newPage();
  const owner = { name: 'Olivia Owner', email: email('owner'), password: 'correct horse battery' };
  await page.goto('/signup');
  await page.getByLabel('Name', { exact: true }).fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByLabel('Organization name (optional)').fill('Acme AI');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/\/prompts/);
  t.state.page = page;
  t.state.owner = owner;
  return page;
}

export default async function prompts(t) {
  const page = await signedInPage(t);
  const name = `Topic explainer ${Date.now().toString(36)}`;

  await t.step('prompts: create a prompt', page, async () => {
    await page.goto('/prompts');
    await page.getByRole('heading', { name: 'Prompts', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    await t.axe(page, 'prompts list');
    await page.getByRole('button', { name: 'New prompt' }).click();
    await page.waitForURL(/\/prompts\/new$/);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Tags').fill('e2e, demo');
    await page.getByLabel('Description').fill('Explains a topic in plain words.');
    // A template error is shown at its line while typing…
    const content = page.getByLabel('Content of message 1');
    await content.fill('Hello\n{{ topic');
    await page.getByText('Line 2: “{{” is not closed with “}}”').waitFor();
    // …and the variables are detected as you type.
    await content.fill(V1);
    await page.getByRole('list', { name: 'Detected variables' }).getByText('topic', { exact: true }).waitFor();
    await page.getByLabel('Extra (JSON object)').fill('{"tokenDelayMs": 60}');
    await page.getByLabel('Commit message').fill('first draft');
    await t.axe(page, 'new prompt form');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    t.state.prompt = { id, name };
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.getByText('first draft').waitFor();
    await t.axe(page, 'prompt page');
  });

  await t.step('playground: tokens stream, then the stats show', page, async () => {
    await page.getByRole('link', { name: 'Open in playground' }).click();
    await page.waitForURL(/\/playground\?prompt=/);
    await page.getByLabel('topic', { exact: true }).fill(TOPIC);
    await t.axe(page, 'playground');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const output = page.getByTestId('stream-output');
    await output.waitFor();
    // Sample the output while the run goes on: it must grow before the run ends.
    const samples = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const phase = await page.locator('[data-phase]').first().getAttribute('data-phase').catch(() => null);
      const text = ((await output.textContent().catch(() => '')) ?? '').replace('▍', '');
      samples.push({ phase, length: text.length });
      if (phase === 'COMPLETED' || phase === 'FAILED' || phase === 'CANCELLED') break;
      if (Date.now() > deadline) throw new Error(`the run did not end: ${JSON.stringify(samples.slice(-5))}`);
      await page.waitForTimeout(80);
    }
    const last = samples[samples.length - 1];
    if (last.phase !== 'COMPLETED') throw new Error(`the run ended ${last.phase}`);
    const streaming = samples.filter((s) => s.phase === 'streaming' && s.length > 0).map((s) => s.length);
    const growth = new Set(streaming).size;
    if (growth < 3 || streaming.some((l, i) => i > 0 && l < streaming[i - 1])) {
      throw new Error(`the output did not grow while streaming: ${JSON.stringify(streaming)}`);
    }
    const finalText = await output.textContent();
    if (!finalText.includes('arctic terns')) throw new Error(`unexpected output: ${finalText}`);
    const stats = page.getByTestId('run-stats');
    await stats.waitFor();
    for (const term of ['Latency', 'Time to first token', 'Tokens in', 'Tokens out', 'Cost']) {
      await stats.getByText(term, { exact: true }).waitFor();
    }
    await page.getByRole('heading', { name: 'Recent runs of this prompt' }).waitFor();
    const detail = page.getByRole('link', { name: 'Execution details' });
    t.state.executionId = (await detail.getAttribute('href')).split('/').pop();
    await t.axe(page, 'playground after a run');
  });

  await t.step('playground: model settings overridden for one run', page, async () => {
    // A bad value is caught before any request, at its field.
    await page.getByLabel('Temperature (0–2)').fill('7');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByText('temperature must be between 0 and 2').waitFor();
    await page.getByLabel('Temperature (0–2)').fill('');
    // Max tokens 3: the echo is cut after three words, and the execution says what it ran with.
    await page.getByLabel('Max tokens').fill('3');
    const before = await page.getByRole('link', { name: 'Execution details' }).getAttribute('href');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForFunction(
      (old) => {
        const link = [...document.querySelectorAll('a')].find((a) => a.textContent === 'Execution details');
        return link && link.getAttribute('href') !== old;
      },
      before,
    );
    await page.locator('[data-phase="COMPLETED"]').first().waitFor();
    const text = ((await page.getByTestId('stream-output').textContent()) ?? '').replace('▍', '').trim();
    if (text.split(/\s+/).length !== 3) throw new Error(`maxTokens 3 gave: ${text}`);
    await page.getByRole('link', { name: 'Execution details' }).click();
    await page.waitForURL(/\/executions\//);
    await page.getByText('maxTokens 3').waitFor();
    await t.axe(page, 'execution with overrides');
  });

  await t.step('prompts: second version, labels and the diff', page, async () => {
    await page.goto(`/prompts/${t.state.prompt.id}`);
    await page.getByRole('button', { name: 'New version' }).click();
    await page.waitForURL(/\/versions\/new$/);
    const content = page.getByLabel('Content of message 1');
    await content.waitFor();
    if ((await content.inputValue()) !== V1) throw new Error('the new version does not start from v1');
    await content.fill(V2);
    await page.getByLabel('Commit message').fill('simpler wording');
    await t.axe(page, 'new version');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.waitForURL(new RegExp(`/prompts/${t.state.prompt.id}$`));
    await page.getByText('simpler wording').waitFor();

    await page.getByLabel('Label', { exact: true }).fill('staging');
    await page.getByRole('combobox', { name: 'Version' }).selectOption('2');
    await page.getByRole('button', { name: 'Set label' }).click();
    await page.getByRole('status').filter({ hasText: 'staging now points at v2.' }).waitFor({ state: 'attached' });
    await page.getByLabel('Move label', { exact: true }).fill('production');
    await page.getByRole('combobox', { name: 'to where this label points' }).selectOption('staging');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByRole('status').filter({ hasText: 'production now points at v2.' }).waitFor({ state: 'attached' });
    await t.axe(page, 'prompt page with two versions');

    await page.getByRole('link', { name: 'Diff with v1' }).click();
    await page.waitForURL(/\/diff\?a=.*&b=/);
    const removed = page.locator('td[data-kind="removed"]', { hasText: V1 });
    const added = page.locator('td[data-kind="added"]', { hasText: V2 });
    await removed.waitFor();
    await added.waitFor();
    if (!(await removed.textContent()).includes('Removed:')) throw new Error('a removed line is not marked as removed in text');
    if (!(await added.textContent()).includes('Added:')) throw new Error('an added line is not marked as added in text');
    await t.axe(page, 'diff');
  });

  await t.step('executions: live list and a run replayed', page, async () => {
    await page.goto('/executions');
    await page.getByRole('heading', { name: 'Executions', level: 1 }).waitFor();
    const row = page.locator(`a[href="/executions/${t.state.executionId}"]`);
    await row.waitFor();
    await t.axe(page, 'executions list');
    // A run started elsewhere (the API, here) appears in the list without a reload.
    const started = await api(
      page,
      'mutation($p: ID!, $v: JSON) { executePrompt(promptId: $p, input: {version: 1, variables: $v}) { id } }',
      { p: t.state.prompt.id, v: { topic: 'live rows' } },
    );
    const liveId = started.data?.executePrompt?.id;
    if (!liveId) throw new Error(`executePrompt failed: ${JSON.stringify(started)}`);
    const liveRow = page.locator('tr', { has: page.locator(`a[href="/executions/${liveId}"]`) });
    await liveRow.getByText('succeeded').waitFor();
    await row.click();
    await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
    await page.locator('[data-phase="COMPLETED"]').waitFor();
    const text = await page.getByTestId('stream-output').textContent();
    if (!text.includes('arctic terns')) throw new Error(`the replayed output is wrong: ${text}`);
    await t.axe(page, 'execution page');
  });

  await t.step('executions: filter by status and by prompt', page, async () => {
    // A failed run of a second prompt (MOCK `error` fails after one token).
    const broken = await api(
      page,
      `mutation($org: ID!, $name: String!) { createPrompt(orgId: $org, input: {name: $name, version: {
        messages: [{role: USER, content: "no luck"}], model: {provider: MOCK, model: "error"}}}) { id } }`,
      { org: t.state.orgId ?? (await currentOrg(page)), name: `Broken ${Date.now().toString(36)}` },
    );
    const brokenId = broken.data?.createPrompt?.id;
    if (!brokenId) throw new Error(`createPrompt failed: ${JSON.stringify(broken)}`);
    const failed = await api(page, 'mutation($p: ID!) { executePrompt(promptId: $p, input: {}) { id } }', { p: brokenId });
    const failedId = failed.data?.executePrompt?.id;
    if (!failedId) throw new Error(`executePrompt failed: ${JSON.stringify(failed)}`);
    const linkTo = (id) => page.locator(`a[href="/executions/${id}"]`);

    await page.goto('/executions');
    await page.locator('tr', { has: linkTo(failedId) }).getByText('failed').waitFor();
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Status').selectOption('FAILED');
    await page.waitForURL(/[?&]status=FAILED/);
    await linkTo(failedId).waitFor();
    await linkTo(t.state.executionId).waitFor({ state: 'detached' });
    const statuses = await page.locator('tbody .badge').allTextContents();
    if (statuses.length === 0 || statuses.some((s) => s !== 'failed')) throw new Error(`status filter shows: ${statuses.join(', ')}`);
    await t.axe(page, 'executions filtered');

    await filters.getByLabel('Status').selectOption('');
    await filters.getByLabel('Prompt').selectOption(t.state.prompt.id);
    await page.waitForURL(/[?&]prompt=/);
    await linkTo(t.state.executionId).waitFor();
    await linkTo(failedId).waitFor({ state: 'detached' });
    const prompts = await page.locator('tbody td:nth-child(2) a').allTextContents();
    if (prompts.length === 0 || prompts.some((n) => n !== t.state.prompt.name)) throw new Error(`prompt filter shows: ${prompts.join(', ')}`);
  });

  await t.step('prompts: search, tag filter and pages', page, async () => {
    // 21 prompts tagged `bulk`, one more than a page.
    const suffix = Date.now().toString(36);
    const org = t.state.orgId ?? (await currentOrg(page));
    for (let i = 1; i <= 21; i += 1) {
      const made = await api(
        page,
        `mutation($org: ID!, $name: String!) { createPrompt(orgId: $org, input: {name: $name, tags: ["bulk"], version: {
          messages: [{role: USER, content: "hi"}], model: {provider: MOCK, model: "echo"}}}) { id } }`,
        { org, name: `Bulk ${String(i).padStart(2, '0')} ${suffix}` },
      );
      if (!made.data?.createPrompt?.id) throw new Error(`createPrompt failed: ${JSON.stringify(made)}`);
    }
    await page.goto('/prompts');
    const rows = page.locator('tbody tr');
    const names = () => page.locator('tbody td:first-child a').allTextContents();

    await page.getByLabel('Tag', { exact: true }).fill('bulk');
    const pages = page.getByRole('navigation', { name: 'prompts pages' });
    await page.getByText(/^21 prompts match$/).waitFor();
    await pages.getByText('Page 1', { exact: true }).waitFor();
    if ((await rows.count()) !== 20) throw new Error(`page 1 has ${await rows.count()} rows`);
    const first = await names();
    await pages.getByRole('button', { name: 'Next' }).click();
    await pages.getByText('Page 2', { exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    const second = await names();
    if (first.includes(second[0]) || ![...first, ...second].every((n) => n.startsWith('Bulk '))) {
      throw new Error(`the pages overlap or hold other prompts: ${second.join(', ')}`);
    }
    await pages.getByRole('button', { name: 'Previous' }).click();
    await pages.getByText('Page 1', { exact: true }).waitFor();
    await t.axe(page, 'prompts filtered by tag');

    await page.getByLabel('Tag', { exact: true }).fill('');
    await page.getByLabel('Search').fill(`Bulk 07 ${suffix}`);
    await page.getByText(/^1 prompt match$/).waitFor();
    if ((await names()).join() !== `Bulk 07 ${suffix}`) throw new Error(`search found: ${(await names()).join(', ')}`);

    // A tag on a row filters by it (the row found by its name first: it is on page 2 now).
    await page.getByLabel('Search').fill(t.state.prompt.name);
    await page.getByText(/^1 prompt match$/).waitFor();
    await page.getByRole('row').filter({ hasText: t.state.prompt.name }).getByRole('button', { name: 'Filter by tag e2e' }).click();
    if ((await page.getByLabel('Tag', { exact: true }).inputValue()) !== 'e2e') throw new Error('the tag button did not set the filter');
    await page.getByLabel('Search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    if ((await names()).join() !== t.state.prompt.name) throw new Error(`tag e2e shows: ${(await names()).join(', ')}`);
  });
}
