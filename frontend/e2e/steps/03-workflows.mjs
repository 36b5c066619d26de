// The owner creates a workflow, builds Research → Analyze → Summarize (three prompt nodes on
// MOCK `echo`, slowed to 40 ms a token) on the canvas through the UI, connects them with the
// side panel's "Depends on" checkboxes, saves version 1, runs it, and watches every node go
// running → completed, live. Then the run page's controls on runs made through the API: Approve
// on a waiting approval node, Cancel on a running run, Retry on a failed run once its prompt
// is fixed.
// Sets t.state.workflow = { id, runId }. Makes its own prompt through the API (does not need
// t.state.prompt).
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql } from '../lib/util.mjs';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export default async function workflows(t) {
  // run.mjs with E2E_ONLY runs only 00-* steps besides the match: sign up here if 01 did not run.
  if (!t.state.page) await (await import('./01-auth.mjs')).default(t);
  const page = t.state.page;
  const name = `Research digest ${Date.now().toString(36)}`;
  const promptName = `Workflow step ${Date.now().toString(36)}`;
  const keys = ['prompt_1', 'prompt_2', 'prompt_3'];

  await t.step('workflows list and create', page, async () => {
    await gql(
      page,
      `mutation($org: ID!, $name: String!) { createPrompt(orgId: $org, input: {name: $name, version: {
        messages: [{role: USER, content: "{{ text }}"}],
        model: {provider: MOCK, model: "echo", extra: {tokenDelayMs: 40}}}}) { id } }`,
      { org: t.state.orgId, name: promptName },
    );
    await page.getByRole('link', { name: 'Workflows', exact: true }).click();
    await page.waitForURL(/\/workflows$/);
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await page.getByText(/\d+ workflows?/).first().waitFor();
    await t.axe(page, 'workflows list');
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description').fill('research, analyze, summarize');
    await t.axe(page, 'new workflow form');
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    t.state.workflow = { id: page.url().split('/').pop() };
  });

  await t.step('build three nodes on the canvas', page, async () => {
    // A run input, declared in the definition panel.
    await page.getByRole('button', { name: 'Add input' }).click();
    await page.getByLabel('Input 1 name').fill('topic');

    const texts = [
      '{{ inputs.topic }}: moons, currents, surges, and the long shore, read slowly word by word so that each step of this run streams for about a second',
      'Analyze {{ nodes.prompt_1.output }}',
      'Summarize {{ nodes.prompt_2.output }}',
    ];
    for (const [i, key] of keys.entries()) {
      await page.getByLabel('Node kind').selectOption('prompt');
      await page.getByRole('button', { name: 'Add node' }).click();
      const panel = page.getByRole('complementary', { name: new RegExp(`Node ${key}`) });
      await panel.waitFor();
      await panel.getByRole('combobox', { name: /^Prompt/ }).selectOption({ label: promptName });
      await panel.getByRole('button', { name: 'Add variable' }).click();
      await panel.getByLabel('Variable 1 name').fill('text');
      await panel.getByLabel('Variable 1 value (template)').fill(texts[i]);
      if (i > 0) {
        // The accessible way to connect: the previous node under "Depends on".
        await panel.getByRole('group', { name: 'Depends on' }).getByRole('checkbox', { name: keys[i - 1] }).check();
      }
      if (i === 1) await t.axe(page, 'workflow canvas with a node panel');
    }
    // Every node drawn, with the edges A→B→C.
    for (const key of keys) await page.locator(`.react-flow__node[data-id="${key}"]`).waitFor();
    await page.locator('.react-flow__edge').nth(1).waitFor({ state: 'attached' });
    if ((await page.locator('.react-flow__edge').count()) !== 2) throw new Error('expected two edges');

    await page.getByRole('button', { name: 'Close node panel' }).click();
    await page.getByLabel('Output template').fill('{{ nodes.prompt_3.output }}');
    await page.getByRole('status').filter({ hasText: 'Valid' }).waitFor();
    await t.axe(page, 'workflow canvas');
  });

  await t.step('a cycle is refused and shown', page, async () => {
    await page.getByRole('navigation', { name: 'Nodes' }).getByRole('button', { name: 'prompt_1' }).click();
    const panel = page.getByRole('complementary', { name: /Node prompt_1/ });
    await panel.getByRole('group', { name: 'Depends on' }).getByRole('checkbox', { name: 'prompt_3' }).click();
    await panel.getByRole('alert').filter({ hasText: 'cycle' }).waitFor();
    if (await panel.getByRole('group', { name: 'Depends on' }).getByRole('checkbox', { name: 'prompt_3' }).isChecked()) {
      throw new Error('the cycle edge was added');
    }
    await page.getByRole('button', { name: 'Close node panel' }).click();
  });

  await t.step('connect by dragging, then remove the edge', page, async () => {
    const from = page.locator('.react-flow__node[data-id="prompt_1"] .react-flow__handle.source');
    const to = page.locator('.react-flow__node[data-id="prompt_3"] .react-flow__handle.target');
    const a = await from.boundingBox();
    const b = await to.boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await page.mouse.up();
    const remove = page.getByRole('button', { name: 'Remove edge prompt_1 to prompt_3' });
    await remove.waitFor();
    await remove.click();
    await remove.waitFor({ state: 'detached' });
    if ((await page.locator('.react-flow__edge').count()) !== 2) throw new Error('expected two edges again');
  });

  await t.step('select a node listed before the selected one on the canvas', page, async () => {
    // React Flow reports "select prompt_1" before "deselect prompt_3": prompt_1 must end up selected.
    await page.locator('.react-flow__node[data-id="prompt_3"]').click();
    await page.getByRole('complementary', { name: /Node prompt_3/ }).waitFor();
    await page.locator('.react-flow__node[data-id="prompt_1"]').click();
    await page.getByRole('complementary', { name: /Node prompt_1/ }).waitFor();
    await page.waitForTimeout(300);
    if (!(await page.getByRole('complementary', { name: /Node prompt_1/ }).isVisible())) throw new Error('the node panel closed');
    await page.getByRole('button', { name: 'Close node panel' }).click();
  });

  await t.step('delete an edge and a node in one keystroke', page, async () => {
    // template_1 and template_2 both depend on prompt_3. Select the edge prompt_3 → template_1,
    // add template_2 to the selection (Ctrl+click), press Delete: React Flow reports both
    // removals (and template_2's edge) in one batch, and every one of them must apply.
    for (const key of ['template_1', 'template_2']) {
      await page.getByLabel('Node kind').selectOption('template');
      await page.getByRole('button', { name: 'Add node' }).click();
      const panel = page.getByRole('complementary', { name: new RegExp(`Node ${key}`) });
      await panel.waitFor();
      await panel.getByRole('group', { name: 'Depends on' }).getByRole('checkbox', { name: 'prompt_3' }).check();
      await page.getByRole('button', { name: 'Close node panel' }).click();
    }
    await page.locator('.react-flow__edge').nth(3).waitFor({ state: 'attached' });
    const edge = page.locator('.react-flow__edge[data-id="prompt_3->template_1"]');
    await edge.focus();
    await page.keyboard.press('Enter');
    await page.locator('.react-flow__edge.selected[data-id="prompt_3->template_1"]').waitFor({ state: 'attached' });
    await page.locator('.react-flow__node[data-id="template_2"]').click({ modifiers: ['Control'] });
    await page.getByRole('complementary', { name: /Node template_2/ }).waitFor();
    if (!(await edge.evaluate((el) => el.classList.contains('selected')))) throw new Error('the edge lost its selection');
    await page.keyboard.press('Delete');
    await page.locator('.react-flow__node[data-id="template_2"]').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    const edges = await page.locator('.react-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    if (edges.join(' ') !== 'prompt_1->prompt_2 prompt_2->prompt_3') throw new Error(`edges after the delete: ${edges.join(', ')}`);
    if ((await page.locator('.react-flow__node[data-id="template_2"]').count()) !== 0) throw new Error('template_2 came back');

    // Then template_1 (now unconnected) from its panel.
    await page.getByRole('navigation', { name: 'Nodes' }).getByRole('button', { name: 'template_1' }).click();
    await page.getByRole('complementary', { name: /Node template_1/ }).getByRole('button', { name: 'Delete node template_1' }).click();
    await page.locator('.react-flow__node[data-id="template_1"]').waitFor({ state: 'detached' });
    if ((await page.getByRole('navigation', { name: 'Nodes' }).getByRole('button').count()) !== 3) throw new Error('expected three nodes');
    await page.getByRole('status').filter({ hasText: 'Valid' }).waitFor();
  });

  await t.step('save version 1', page, async () => {
    await page.getByLabel('Commit message').fill('three steps');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Showing version 1 (latest).').waitFor();
    await page.locator('.react-flow__node[data-id="prompt_3"]').waitFor();
  });

  await t.step('run it and watch the nodes', page, async () => {
    await page.getByLabel(/^topic/).fill('tides');
    // What each node's badge on the canvas shows, as it changes (watched from before the run
    // starts: the app navigates without reloading).
    await page.evaluate((ks) => {
      const seen = {};
      window.__wfSeen = seen;
      const look = () => {
        for (const k of ks) {
          const text = document.querySelector(`[data-testid="node-status-${k}"]`)?.textContent ?? '';
          seen[k] = seen[k] ?? [];
          const state = text.split(' ')[0];
          if (state && seen[k][seen[k].length - 1] !== state) seen[k].push(state);
        }
      };
      look();
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
    }, keys);
    await page.getByRole('button', { name: 'Run workflow' }).click();
    await page.waitForURL(/\/workflows\/runs\/[0-9a-f-]{36}$/);
    t.state.workflow.runId = page.url().split('/').pop();
    // Mid-run: the first node's tokens, cost and latency appear within a second of its end.
    await page.locator('[data-testid="node-status-prompt_1"]', { hasText: 'completed' }).waitFor();
    const row = page.locator('tr[data-node-row="prompt_1"]');
    await page.waitForFunction(
      () => {
        const cells = [...(document.querySelector('tr[data-node-row="prompt_1"]')?.querySelectorAll('td') ?? [])].map((c) => c.textContent ?? '');
        return /^[1-9]\d* \/ [1-9]\d*$/.test(cells[4] ?? '') && /^\$\d/.test(cells[5] ?? '') && /^\d+ ms$/.test(cells[6] ?? '');
      },
      null,
      { timeout: 1000 },
    ).catch(async () => {
      throw new Error(`prompt_1's numbers did not appear within 1 s of its completion: ${await row.textContent()}`);
    });
    if (await page.getByTestId('run-status').filter({ hasText: 'finished' }).count()) throw new Error('the run ended before the check');
    // Mid-run: the second node running, its tokens streaming in its panel.
    await page.locator('[data-testid="node-status-prompt_2"]', { hasText: 'running' }).waitFor();
    await page.getByTestId('node-tokens').waitFor();
    // Streamed text is not a live region (screen readers would read every token).
    const live = await page.getByTestId('node-tokens').evaluate((el) => !!el.closest('[aria-live], [role="status"], [role="log"], [role="alert"]'));
    if (live) throw new Error('the streamed tokens are inside a live region');
    await page.screenshot({ path: join(artifacts, 'workflow-run.png'), fullPage: true });
    await t.axe(page, 'workflow run (running)');
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor({ timeout: 30_000 });
    for (const key of keys) {
      await page.locator(`[data-testid="node-status-${key}"]`, { hasText: 'completed' }).waitFor();
      const history = await page.getByTestId(`node-history-${key}`).textContent();
      if (!/running → completed$/.test(history ?? '')) throw new Error(`${key} history: ${history}`);
    }
    const seen = await page.evaluate(() => window.__wfSeen);
    for (const key of keys) {
      const states = seen[key] ?? [];
      const ran = states.indexOf('running');
      if (ran < 0 || states.indexOf('completed') < ran) throw new Error(`${key} was not seen running then completed: ${states.join(', ')}`);
    }
    const output = await page.getByTestId('run-output').textContent();
    if (!output?.includes('Summarize Analyze tides')) throw new Error(`unexpected output: ${output}`);
    await t.axe(page, 'workflow run (finished)');
  });

  await t.step('runs list', page, async () => {
    await page.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    const runs = page.getByRole('region', { name: /^Runs/ });
    await runs.getByRole('cell', { name: 'finished' }).first().waitFor();
    await t.axe(page, 'workflow with its runs');
  });

  // The run page's controls, each on a run made through the API and opened in the app.
  const createWorkflow = async (label, definition) => {
    const data = await gql(
      page,
      `mutation($org: ID!, $input: CreateWorkflowInput!) { createWorkflow(orgId: $org, input: $input) { id } }`,
      { org: t.state.orgId, input: { name: `${label} ${Date.now().toString(36)}`, definition } },
    );
    return data.createWorkflow.id;
  };
  const startRun = async (workflowId) => {
    const data = await gql(page, `mutation($w: ID!) { runWorkflow(workflowId: $w, input: {inputs: {}}) { id } }`, { w: workflowId });
    return data.runWorkflow.id;
  };
  const runStatus = async (id) => (await gql(page, `query($id: ID!) { workflowRun(id: $id) { status } }`, { id })).workflowRun.status;
  const openRun = async (id) => {
    await page.goto(`/workflows/runs/${id}`);
    await page.getByTestId('run-status').waitFor();
  };

  await t.step('approve a waiting approval node', page, async () => {
    const workflowId = await createWorkflow('Approval gate', {
      nodes: [
        { key: 'gate', step: { approval: { instructions: 'Ship the digest?' } } },
        { key: 'after', step: { template: { template: 'approved and sent' } } },
      ],
      edges: [{ from: 'gate', to: 'after' }],
      output: '{{ nodes.after.output }}',
    });
    const runId = await startRun(workflowId);
    await openRun(runId);
    await page.locator('[data-testid="node-status-gate"]', { hasText: 'waiting for approval' }).waitFor();
    // The waiting node is focused in the side panel, with its instructions.
    const panel = page.getByRole('complementary', { name: /Node gate/ });
    await panel.getByText('Ship the digest?').waitFor();
    await t.axe(page, 'workflow run (waiting for approval)');
    await panel.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor({ timeout: 20_000 });
    const output = await page.getByTestId('run-output').textContent();
    if (!output?.includes('approved and sent')) throw new Error(`unexpected output after approving: ${output}`);
    const stored = await gql(page, `query($id: ID!) { workflowRun(id: $id) { status nodes { key status } } }`, { id: runId });
    const gate = stored.workflowRun.nodes.find((n) => n.key === 'gate');
    if (stored.workflowRun.status !== 'FINISHED' || gate?.status !== 'COMPLETED') {
      throw new Error(`the server has the run ${stored.workflowRun.status}, the gate ${gate?.status}`);
    }
  });

  await t.step('cancel a running run', page, async () => {
    const slow = await gql(
      page,
      `mutation($org: ID!, $name: String!) { createPrompt(orgId: $org, input: {name: $name, version: {
        messages: [{role: USER, content: "a long answer streamed one slow word at a time for the cancel check to catch it running"}],
        model: {provider: MOCK, model: "echo", extra: {tokenDelayMs: 500}}}}) { id } }`,
      { org: t.state.orgId, name: `Slow step ${Date.now().toString(36)}` },
    );
    const workflowId = await createWorkflow('Cancel me', {
      nodes: [{ key: 'slow', step: { prompt: { promptId: slow.createPrompt.id } } }],
      edges: [],
      output: '{{ nodes.slow.output }}',
    });
    const runId = await startRun(workflowId);
    await openRun(runId);
    await page.locator('[data-testid="node-status-slow"]', { hasText: 'running' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    if ((await runStatus(runId)) !== 'CANCELLED') throw new Error('the server does not have the run CANCELLED');
    if (!(await page.getByRole('button', { name: 'Cancel run' }).isDisabled())) throw new Error('Cancel run should be disabled on an ended run');
  });

  await t.step('retry a failed run after fixing its prompt', page, async () => {
    const flaky = await gql(
      page,
      `mutation($org: ID!, $name: String!) { createPrompt(orgId: $org, input: {name: $name, version: {
        messages: [{role: USER, content: "fixed now"}], model: {provider: MOCK, model: "error"}}}) { id } }`,
      { org: t.state.orgId, name: `Flaky step ${Date.now().toString(36)}` },
    );
    const promptId = flaky.createPrompt.id;
    const workflowId = await createWorkflow('Retry me', {
      nodes: [{ key: 'flaky', step: { prompt: { promptId } }, retry: { maxAttempts: 1 } }],
      edges: [],
      output: '{{ nodes.flaky.output }}',
    });
    const runId = await startRun(workflowId);
    await openRun(runId);
    await page.getByTestId('run-status').filter({ hasText: 'failed' }).waitFor({ timeout: 20_000 });
    const retryButton = page.getByRole('button', { name: 'Retry run' });
    if (await retryButton.isDisabled()) throw new Error('Retry run should be enabled on a failed run');
    // The prompt's latest version now works: a retry resolves it again.
    await gql(
      page,
      `mutation($p: ID!) { createPromptVersion(promptId: $p, input: {messages: [{role: USER, content: "fixed now"}],
        model: {provider: MOCK, model: "echo"}, commitMessage: "working model"}) { version } }`,
      { p: promptId },
    );
    await retryButton.click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor({ timeout: 20_000 });
    const output = await page.getByTestId('run-output').textContent();
    if (!output?.includes('fixed now')) throw new Error(`unexpected output after the retry: ${output}`);
    const stored = await gql(page, `query($id: ID!) { workflowRun(id: $id) { status nodes { key attempt } } }`, { id: runId });
    if (stored.workflowRun.status !== 'FINISHED') throw new Error(`the server has the run ${stored.workflowRun.status}`);
    if ((stored.workflowRun.nodes[0]?.attempt ?? 0) < 2) throw new Error('the retried node should be on its second attempt');
    await t.axe(page, 'workflow run (retried)');
  });
}
