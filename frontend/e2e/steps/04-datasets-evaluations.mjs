// Datasets and evaluations: the owner creates a dataset, imports a CSV through the UI
// (preview, column mapping), sees the items; adds, edits and deletes single items (in a dataset
// of their own); runs an evaluation of two versions of a prompt,
// waits for it to finish, and opens the comparison of its two targets.
//
// Makes its own two-version prompt through the API (see promptWithTwoVersions). Leaves t.state.dataset = { id } and
// t.state.evaluationRun = { id }.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql as api } from '../lib/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A prompt with two versions on MOCK echo whose outputs differ on purpose, made through the
 * API (creating prompts through the UI is the prompts step's job), so that the comparison has
 * known regressions and improvements to show.
 */
async function promptWithTwoVersions(t, page) {
  const model = { provider: 'MOCK', model: 'echo' };
  const created = await api(
    page,
    'mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id name } }',
    { org: t.state.orgId, input: { name: 'Capitals (e2e)', version: { messages: [{ role: 'USER', content: '{{ city }}' }], model } } },
  );
  const id = created.createPrompt.id;
  await api(page, 'mutation($p: ID!, $input: PromptVersionInput!) { createPromptVersion(promptId: $p, input: $input) { version } }', {
    p: id,
    input: { messages: [{ role: 'USER', content: 'The capital is {{ city }}' }], model },
  });
  return { id, name: created.createPrompt.name, variable: 'city' };
}

export default async function datasetsEvaluations(t) {
  const page = t.state.page;
  const prompt = await promptWithTwoVersions(t, page);

  // Six items version 1 passes and version 2 fails, two the other way round.
  const cities = ['Paris', 'Rome', 'Oslo', 'Lima', 'Quito', 'Accra', 'Hanoi', 'Doha'];
  const csv = [
    'city,expected,note',
    ...cities.map((c, i) => (i < 6 ? `${c},${c},"capital, of course"` : `${c},The capital is ${c},"two\nlines"`)),
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'promptops-e2e-csv-'));
  const file = join(dir, 'capitals.csv');
  writeFileSync(file, csv + '\n');

  let datasetId = '';
  await t.step('datasets: create a dataset', page, async () => {
    await page.goto('/datasets');
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor();
    await t.axe(page, 'datasets list');
    await page.getByRole('button', { name: 'New dataset' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Capitals e2e');
    await page.getByLabel('Description').fill('Cities and their answers');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL(new RegExp(`/datasets/${UUID}$`));
    datasetId = new RegExp(`/datasets/(${UUID})$`).exec(page.url())[1];
    t.state.dataset = { id: datasetId };
    await page.getByText('No items at this version.').waitFor();
    await t.axe(page, 'empty dataset');
  });

  await t.step('datasets: import a CSV with preview and mapping', page, async () => {
    await page.getByRole('link', { name: 'Import file' }).click();
    await page.waitForURL(/\/import$/);
    await page.getByLabel('File (CSV or JSONL)').setInputFiles(file);
    const preview = page.getByRole('table', { name: 'File preview' });
    await preview.waitFor();
    await page.getByText('8 rows, 3 columns · header detected').waitFor();
    if ((await preview.getByRole('row').count()) !== 6) throw new Error('the preview should show the header and 5 rows');
    await preview.getByText('capital, of course').first().waitFor();
    // The mapping guessed: city → input, expected → expected, note → metadata.
    const roleOf = (c) => page.getByLabel(`Role of column ${c}`);
    if ((await roleOf('expected').inputValue()) !== 'expected') throw new Error('expected was not mapped to the expected output');
    await roleOf('note').selectOption('ignore');
    await roleOf('note').selectOption('metadata');
    await roleOf('city').selectOption('input');
    if (prompt.variable !== 'city') await page.getByLabel('Variable name for column city').fill(prompt.variable);
    await page.getByLabel('The first items as they will be stored').getByText('"metadata":{"note":"capital, of course"}').waitFor();
    await t.axe(page, 'dataset import');
    await page.getByRole('button', { name: 'Import 8 items' }).click();
    await page.getByText('Imported 8 items: version 1 now has 8 items.').waitFor();
    await page.getByRole('link', { name: 'View the items' }).click();
    await page.waitForURL(new RegExp(`/datasets/${datasetId}$`));
    const items = page.getByRole('table', { name: 'Dataset items' });
    await items.getByText('Hanoi', { exact: true }).waitFor();
    if ((await items.getByRole('row').count()) !== 9) throw new Error('the dataset should list 8 items');
    await page.getByRole('button', { name: 'View items at version 1' }).or(page.getByText('Viewing')).first().waitFor();
    await t.axe(page, 'dataset with items');
  });

  await t.step('datasets: add, edit and delete single items', page, async () => {
    // A dataset of its own: the evaluation below counts the capitals' items.
    const made = await api(
      page,
      `mutation($org: ID!) { createDataset(orgId: $org, input: {name: "Scratch items e2e"}) { id } }`,
      { org: t.state.orgId },
    );
    const scratch = made.createDataset.id;
    const stored = async () =>
      (await api(page, `query($id: ID!) { dataset(id: $id) { latestVersion items(first: 10) { nodes { id inputs expected metadata } } } }`, { id: scratch })).dataset;
    await page.goto(`/datasets/${scratch}`);
    await page.getByText('No items at this version.').waitFor();

    await page.getByRole('button', { name: 'Add item' }).click();
    const add = page.getByRole('form', { name: 'Add item' });
    await add.getByLabel(/^Inputs/).fill('{"city": "Lima"}');
    await add.getByLabel(/^Expected output \(blank/).fill('Lima');
    await add.getByLabel(/^Metadata/).fill('{"source": "hand"}');
    await t.axe(page, 'dataset: add item');
    // Bad JSON is refused in words before anything is sent.
    await add.getByLabel(/^Inputs/).fill('{"city": ');
    await add.getByRole('button', { name: 'Add item' }).click();
    await add.getByRole('alert').waitFor();
    await add.getByLabel(/^Inputs/).fill('{"city": "Lima"}');
    await add.getByRole('button', { name: 'Add item' }).click();
    await add.waitFor({ state: 'detached' });
    const items = page.getByRole('table', { name: 'Dataset items' });
    await items.getByRole('row').filter({ hasText: 'Lima' }).waitFor();
    let data = await stored();
    if (data.items.nodes.length !== 1 || data.items.nodes[0].inputs.city !== 'Lima' || data.items.nodes[0].metadata.source !== 'hand') {
      throw new Error(`after adding: ${JSON.stringify(data)}`);
    }

    await items.getByRole('button', { name: 'Edit item 1' }).click();
    const edit = page.getByRole('form', { name: 'Edit item' });
    if ((await edit.getByLabel(/^Expected output \(blank/).inputValue()) !== 'Lima') throw new Error('the editor does not show the item');
    await edit.getByLabel(/^Expected output \(blank/).fill('Lima, Peru');
    await edit.getByLabel('Change message').fill('more precise');
    await edit.getByRole('button', { name: 'Save item' }).click();
    await edit.waitFor({ state: 'detached' });
    await items.getByText('Lima, Peru').waitFor();
    data = await stored();
    if (data.items.nodes[0].expected !== 'Lima, Peru') throw new Error(`after editing: ${JSON.stringify(data)}`);
    const editedVersion = data.latestVersion;

    page.once('dialog', (dialog) => void dialog.accept());
    await items.getByRole('button', { name: 'Delete item 1' }).click();
    await page.getByText('No items at this version.').waitFor();
    data = await stored();
    if (data.items.nodes.length !== 0 || data.latestVersion <= editedVersion) throw new Error(`after deleting: ${JSON.stringify(data)}`);
    // Older versions keep it.
    const older = await api(page, `query($id: ID!, $v: Int) { dataset(id: $id) { items(first: 10, version: $v) { nodes { expected } } } }`, {
      id: scratch,
      v: editedVersion,
    });
    if (older.dataset.items.nodes[0]?.expected !== 'Lima, Peru') throw new Error('the version before the delete lost the item');
  });

  let runId = '';
  await t.step('evaluations: run two versions of a prompt', page, async () => {
    await page.goto('/evaluations');
    await page.getByRole('heading', { name: 'Evaluations', level: 1 }).waitFor();
    await t.axe(page, 'evaluations list');
    await page.getByRole('button', { name: 'New evaluation' }).click();
    await page.waitForURL(/\/evaluations\/new/);
    await page.getByLabel('Run name').fill('v1 vs v2 (e2e)');
    await page.getByRole('combobox', { name: 'Dataset', exact: true }).selectOption(datasetId);
    await page.getByLabel('Target 1 prompt').selectOption(prompt.id);
    await page.getByLabel('Target 1 version').selectOption('version:1');
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.getByLabel('Target 2 prompt').selectOption(prompt.id);
    await page.getByLabel('Target 2 version').selectOption('version:2');
    if ((await page.getByLabel('Evaluator 1 type').inputValue()) !== 'EXACT_MATCH') throw new Error('exact match should be the first evaluator');
    await page.getByLabel('Concurrency (items in flight, 1–64)').fill('4');
    await t.axe(page, 'new evaluation');
    await page.getByRole('button', { name: 'Run evaluation' }).click();
    await page.waitForURL(new RegExp(`/evaluations/${UUID}$`));
    runId = new RegExp(`/evaluations/(${UUID})$`).exec(page.url())[1];
    t.state.evaluationRun = { id: runId };
    await page.getByRole('progressbar', { name: 'Items done' }).waitFor();
    await page.getByText(/^16 of 16 done/).waitFor({ timeout: 90_000 });
    await page.locator('.badge', { hasText: 'Finished' }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('img', { name: 'Pass rate per evaluator' }).waitFor();
    await page.getByRole('img', { name: 'Score distribution' }).waitFor();
    await page.getByRole('img', { name: 'Latency histogram' }).waitFor();
    await page.getByLabel('Outcome').selectOption('false');
    await page.getByRole('table', { name: 'Results' }).or(page.getByText('No results match.')).first().waitFor();
    await page.getByRole('table', { name: 'Results' }).getByText('Failed').first().waitFor();
    await t.axe(page, 'evaluation run');
  });

  await t.step('evaluations: compare the two targets', page, async () => {
    await page.getByRole('link', { name: 'Compare targets' }).click();
    await page.waitForURL(/\/evaluations\/compare\?/);
    await page.getByRole('heading', { name: 'Significance' }).waitFor({ timeout: 30_000 });
    const sentence = await page.locator('.ev-sentence').innerText();
    if (!/^B passes .+ A \(\d+ regressions?, \d+ improvements?\)[;:] .*(McNemar's exact test p = .*significant at the 5% level|no significant difference)/.test(sentence)) {
      throw new Error(`no significance sentence: ${sentence}`);
    }
    if (!sentence.startsWith('B passes 4 fewer items than A (6 regressions, 2 improvements)')) {
      throw new Error(`unexpected comparison: ${sentence}`);
    }
    const table = page.getByRole('table', { name: 'Items compared' });
    if ((await table.getByText('Regression', { exact: true }).count()) !== 6) throw new Error('6 regressions expected');
    if ((await table.getByText('Improvement', { exact: true }).count()) !== 2) throw new Error('2 improvements expected');
    await t.axe(page, 'evaluation comparison');
    await page.screenshot({ path: join(here, '..', 'artifacts', 'evaluation-compare.png'), fullPage: true });
  });
}
