// Settings and the viewer journey:
// (1) the owner creates an API key in Settings → API keys, sees its secret once (with Copy),
//     and the key in the list;
// (2) the owner invites a new address as `viewer` in Settings → Members;
// (3) that person signs up in a fresh browser context, accepts the invitation from the banner,
//     lands in "Acme AI", and finds what a viewer cannot do disabled: "New prompt", a prompt's
//     "New version", and "Create API key";
// (4) the owner creates a custom role with the permission checkboxes, moves the viewer onto it,
//     removes the viewer, and sets then deletes a provider key (only its hint ever shown).
//
// Uses t.state.page / owner / orgId (01-auth) and t.state.prompt ({id, name?}) when an earlier
// step made one; otherwise creates a prompt through the owner's API and sets t.state.prompt.
// Sets t.state.viewer = {name, email, password, page} and t.state.apiKey = {name, prefix}
// (never the secret).
import { email, gql } from '../lib/util.mjs';

async function expectDisabled(locator, what) {
  await locator.waitFor();
  if (!(await locator.isDisabled())) throw new Error(`${what} should be disabled for a viewer`);
}

async function openSettingsTab(page, tab) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: tab }).click();
}

export default async function settings(t) {
  // Run alone (E2E_ONLY=05-settings only keeps 00- steps), sign the owner up first.
  if (!t.state.page || !t.state.orgId) await (await import('./01-auth.mjs')).default(t);
  const page = t.state.page;
  const keyName = `ci-${Date.now().toString(36)}`;

  await t.step('owner creates an API key and sees its secret once', page, async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin }).catch(() => {});
    await openSettingsTab(page, 'API keys');
    await page.waitForURL(/\/settings\/api-keys$/);
    await page.getByRole('heading', { name: 'API keys', level: 2 }).waitFor();
    await t.axe(page, 'settings: API keys');
    await page.getByLabel('Key name').fill(keyName);
    await page.getByLabel('Key role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create API key' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByText('you will not see it again').waitFor();
    const secret = await dialog.getByLabel('Secret').inputValue();
    if (!/^po_[A-Za-z0-9_-]{20,}$/.test(secret)) throw new Error(`unexpected API key secret: ${secret}`);
    await t.axe(page, 'settings: API key secret dialog');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    const status = dialog.getByRole('status');
    await status.filter({ hasText: /Copied|Selected/ }).waitFor();
    if ((await status.textContent()).includes('Copied')) {
      const copied = await page.evaluate(() => navigator.clipboard.readText()).catch(() => null);
      if (copied !== null && copied !== secret) throw new Error('the clipboard does not hold the secret');
    }
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    if ((await page.content()).includes(secret)) throw new Error('the secret is still in the page after closing');

    const prefix = secret.slice(0, 11);
    const row = page.getByRole('row').filter({ hasText: keyName });
    await row.waitFor();
    await row.getByText(prefix).waitFor();
    await row.getByText('Active').waitFor();
    t.state.apiKey = { name: keyName, prefix };
  });

  await t.step('revoking an API key keeps the keyboard focus', page, async () => {
    // A second key, made through the API, to revoke (t.state.apiKey stays active).
    const doomed = `old-${Date.now().toString(36)}`;
    await gql(
      page,
      `mutation SettingsE2eKey($orgId: ID!, $input: CreateApiKeyInput!) { createApiKey(orgId: $orgId, input: $input) { apiKey { id } } }`,
      { orgId: t.state.orgId, input: { name: doomed, role: 'viewer' } },
    );
    await openSettingsTab(page, 'Members');
    await openSettingsTab(page, 'API keys');
    const row = page.getByRole('row').filter({ hasText: doomed });
    const focused = (locator) => locator.evaluate((el) => el === document.activeElement);
    const revokeButton = row.getByRole('button', { name: `Revoke ${doomed}` });
    await revokeButton.click();
    const confirm = row.getByRole('button', { name: `Confirm revoking ${doomed}` });
    await confirm.waitFor();
    if (!(await focused(confirm))) throw new Error('Confirm should take the focus when it appears');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await revokeButton.waitFor();
    if (!(await focused(revokeButton))) throw new Error('Cancel should return the focus to Revoke');
    await page.keyboard.press('Enter');
    await confirm.waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `API key ${doomed} was revoked.` }).waitFor({ state: 'attached' });
    await row.getByText('Revoked').waitFor();
    if (!(await focused(page.getByRole('heading', { name: 'API keys', level: 2 })))) {
      throw new Error('after revoking, the focus should be on the API keys heading');
    }
  });

  const viewer = { name: 'Vera Viewer', email: email('viewer'), password: 'viewer horse battery' };

  await t.step('owner invites a viewer', page, async () => {
    await openSettingsTab(page, 'Members');
    await page.waitForURL(/\/settings\/members$/);
    await page.getByRole('row').filter({ hasText: t.state.owner.email }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(viewer.email);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByText(`Invitation sent to ${viewer.email} as viewer.`).waitFor();
    const pending = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row').filter({ hasText: viewer.email });
    await pending.waitFor();
    await pending.getByRole('button', { name: `Revoke the invitation to ${viewer.email}` }).waitFor();
    await t.axe(page, 'settings: members');
  });

  await t.step('owner views roles, providers and the audit log', page, async () => {
    await openSettingsTab(page, 'Roles');
    await page.getByRole('row').filter({ hasText: 'viewer' }).first().waitFor();
    await page.getByRole('group', { name: 'Prompts' }).waitFor();
    await t.axe(page, 'settings: roles');
    await openSettingsTab(page, 'Providers');
    await page.getByRole('heading', { name: 'Stored provider keys' }).waitFor();
    await page.getByLabel('Provider', { exact: true }).waitFor();
    await t.axe(page, 'settings: providers');
    await openSettingsTab(page, 'Audit log');
    await page.getByRole('cell', { name: 'invitation.create' }).first().waitFor();
    await page.getByRole('cell', { name: 'api_key.create' }).first().waitFor();
    await t.axe(page, 'settings: audit log');
  });

  // A prompt for the viewer to open: an earlier step's, or one made now through the API.
  if (!t.state.prompt?.id) {
    const name = `Settings e2e ${Date.now().toString(36)}`;
    const data = await gql(
      page,
      `mutation SettingsE2ePrompt($orgId: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $orgId, input: $input) { id name } }`,
      {
        orgId: t.state.orgId,
        input: {
          name,
          version: { messages: [{ role: 'USER', content: 'Hello {{ name }}' }], model: { provider: 'MOCK', model: 'echo' } },
        },
      },
    );
    t.state.prompt = data.createPrompt;
  }

  const vpage = await t.newPage();
  viewer.page = vpage;
  t.state.viewer = viewer;

  await t.step('viewer signs up and accepts the invitation', vpage, async () => {
    await vpage.goto('/signup');
    await vpage.getByLabel('Name', { exact: true }).fill(viewer.name);
    await vpage.getByLabel('Email').fill(viewer.email);
    await vpage.getByLabel('Password').fill(viewer.password);
    await vpage.getByRole('button', { name: 'Sign up' }).click();
    await vpage.waitForURL(/\/prompts/);
    const banner = vpage.getByRole('region', { name: 'You have an invitation' });
    await banner.getByText('Acme AI').waitFor();
    await t.axe(vpage, 'invitation banner');
    await banner.getByRole('button', { name: 'Accept the invitation to Acme AI' }).click();
    await banner.waitFor({ state: 'detached' });
    const orgSelect = vpage.getByRole('combobox', { name: 'Organization' });
    // Accepting switches to the organization joined.
    for (let i = 0; i < 50 && (await orgSelect.inputValue()) !== t.state.orgId; i += 1) await vpage.waitForTimeout(200);
    if ((await orgSelect.inputValue()) !== t.state.orgId) throw new Error('the viewer is not in Acme AI after accepting');
    await vpage.getByRole('banner').getByText('viewer', { exact: true }).waitFor();
  });

  await t.step('viewer cannot create prompts or versions', vpage, async () => {
    await vpage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).click();
    await vpage.waitForURL(/\/prompts$/);
    await expectDisabled(vpage.getByRole('button', { name: 'New prompt' }), '"New prompt"');
    await t.axe(vpage, 'prompts (viewer)');
    const { id, name } = t.state.prompt;
    if (name) {
      // Found by a search: earlier steps made more prompts than a page holds.
      await vpage.getByLabel('Search').fill(name);
      await vpage.getByRole('link', { name, exact: true }).first().click();
    } else {
      await vpage.goto(`/prompts/${id}`);
    }
    await vpage.waitForURL(new RegExp(`/prompts/${id}`));
    await expectDisabled(vpage.getByRole('button', { name: 'New version' }), '"New version"');
    await t.axe(vpage, 'prompt (viewer)');
  });

  await t.step('viewer cannot create API keys', vpage, async () => {
    await openSettingsTab(vpage, 'API keys');
    await vpage.waitForURL(/\/settings\/api-keys$/);
    await expectDisabled(vpage.getByRole('button', { name: 'Create API key' }), '"Create API key"');
    await vpage.getByText("Your role cannot see this organization's API keys.").waitFor();
    await t.axe(vpage, 'settings: API keys (viewer)');
  });

  await administration(t);
}

/**
 * The owner's administration: a custom role made with the permission checkboxes, the viewer
 * moved onto it and then removed, and a provider key set (only its hint shown) and deleted.
 * Runs after `settings` (uses t.state.page, orgId and viewer).
 */
export async function administration(t) {
  const page = t.state.page;
  const viewer = t.state.viewer;
  const role = `reviewer-${Date.now().toString(36)}`;

  await t.step('owner creates a custom role with permission checkboxes', page, async () => {
    await openSettingsTab(page, 'Roles');
    await page.waitForURL(/\/settings\/roles$/);
    const form = page.getByRole('region', { name: 'New custom role' });
    await form.getByLabel('Role name').fill(role);
    await form.getByRole('group', { name: 'Prompts' }).getByRole('checkbox', { name: /\(prompt:read\)/ }).check();
    // "All" of a resource ticks each of its permissions.
    const executions = form.getByRole('group', { name: 'Executions' });
    await executions.getByRole('checkbox', { name: 'All Executions permissions' }).check();
    const boxes = executions.getByRole('checkbox', { name: /\(execution:/ });
    const count = await boxes.count();
    if (count === 0) throw new Error('no execution permissions to tick');
    for (let i = 0; i < count; i += 1) {
      if (!(await boxes.nth(i).isChecked())) throw new Error('"All" left an execution permission unticked');
    }
    await form.getByText(`${count + 1} selected.`).waitFor();
    await t.axe(page, 'settings: new custom role');
    await form.getByRole('button', { name: 'Create role' }).click();
    await form.getByRole('status').filter({ hasText: `Role ${role} created with ${count + 1} permissions.` }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: role, exact: true }) });
    await row.getByText('Custom').waitFor();

    const { roles } = await gql(page, `query($org: ID!) { roles(orgId: $org) { name builtin permissions } }`, { org: t.state.orgId });
    const stored = roles.find((r) => r.name === role);
    if (!stored || stored.builtin) throw new Error(`the server does not have the custom role ${role}`);
    const perms = [...stored.permissions].sort();
    if (!perms.includes('prompt:read') || perms.length !== count + 1 || perms.some((p) => p !== 'prompt:read' && !p.startsWith('execution:'))) {
      throw new Error(`the role has ${perms.join(', ')}`);
    }
  });

  await t.step("owner changes a member's role, then removes the member", page, async () => {
    await openSettingsTab(page, 'Members');
    await page.waitForURL(/\/settings\/members$/);
    const members = page.getByRole('table', { name: 'Members and their roles' });
    const row = members.getByRole('row').filter({ hasText: viewer.email });
    await row.getByRole('combobox', { name: `Role of ${viewer.name}` }).selectOption(role);
    await page.getByRole('status').filter({ hasText: `${viewer.name} is now ${role}.` }).waitFor({ state: 'attached' });
    const roleOf = async () => {
      const { members: list } = await gql(page, `query($org: ID!) { members(orgId: $org) { role user { email } } }`, { org: t.state.orgId });
      return list.find((m) => m.user.email === viewer.email)?.role ?? null;
    };
    if ((await roleOf()) !== role) throw new Error(`the server has the member as ${await roleOf()}`);

    await row.getByRole('button', { name: `Remove ${viewer.name}` }).click();
    await row.getByRole('button', { name: `Confirm removing ${viewer.name}` }).click();
    await page.getByRole('status').filter({ hasText: `${viewer.name} was removed.` }).waitFor({ state: 'attached' });
    await row.waitFor({ state: 'detached' });
    if ((await roleOf()) !== null) throw new Error('the server still has the removed member');
    await t.axe(page, 'settings: members after a removal');
  });

  await t.step('owner sets a provider key, sees only its hint, and deletes it', page, async () => {
    const secret = `sk-e2e-${Date.now().toString(36)}-wxyz`;
    await openSettingsTab(page, 'Providers');
    await page.waitForURL(/\/settings\/providers$/);
    await page.getByText("No provider keys stored: runs use the server's defaults.").waitFor();
    await page.getByLabel('Provider', { exact: true }).selectOption('OPENAI');
    await page.getByLabel('API key').fill(secret);
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByRole('status').filter({ hasText: 'OpenAI key saved.' }).waitFor();
    const stored = page.getByRole('table', { name: 'Stored provider keys' }).getByRole('row').filter({ hasText: 'OpenAI' });
    await stored.getByText('••••wxyz').waitFor();
    if ((await page.getByLabel('API key').inputValue()) !== '') throw new Error('the key stays in the form after saving');
    if ((await page.content()).includes(secret)) throw new Error('the provider key is in the page');
    // The form now offers to replace it.
    await page.getByRole('button', { name: 'Replace key' }).waitFor();
    await t.axe(page, 'settings: providers with a key');

    await stored.getByRole('button', { name: 'Delete the OpenAI key' }).click();
    await page.getByRole('status').filter({ hasText: 'OpenAI key deleted.' }).waitFor();
    await page.getByText("No provider keys stored: runs use the server's defaults.").waitFor();
    const { providerCredentials } = await gql(page, `query($org: ID!) { providerCredentials(orgId: $org) { provider } }`, { org: t.state.orgId });
    if (providerCredentials.length !== 0) throw new Error('the server still has a provider key');
  });
}
