// A new user signs up (landing in their organization), logs out, and logs back in.
import { currentOrg, email } from '../lib/util.mjs';

export default async function auth(t) {
  const page = await t.newPage();
  t.state.page = page;
  const owner = { name: 'Olivia Owner', email: email('owner'), password: 'correct horse battery' };
  t.state.owner = owner;

  await t.step('sign up', page, async () => {
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await t.axe(page, 'login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name', { exact: true }).fill(owner.name);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByLabel('Organization name (optional)').fill('Acme AI');
    await t.axe(page, 'sign up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(/\/prompts/);
    t.state.orgId = await currentOrg(page);
  });

  await t.step('log out and log in', page, async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/prompts/);
    await t.axe(page, 'prompts (first visit)');
  });

  await t.step('an expired access token is refreshed and the refresh token rotated', page, async () => {
    const before = await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('promptops.session'));
      session.accessTokenExpiresAt = new Date(Date.now() - 1000).toISOString();
      localStorage.setItem('promptops.session', JSON.stringify(session));
      return session.refreshToken;
    });
    await page.reload();
    await currentOrg(page);
    await page.waitForFunction(
      (old) => JSON.parse(localStorage.getItem('promptops.session'))?.refreshToken !== old,
      before,
    );
    const org = await currentOrg(page);
    if (org !== t.state.orgId) throw new Error(`the page lost its organization after the refresh: ${org}`);
    // The old refresh token was spent by the rotation.
    const reuse = await page.evaluate(async (token) => {
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }',
          variables: { t: token },
        }),
      });
      return r.json();
    }, before);
    if (reuse.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED') {
      throw new Error(`a spent refresh token was accepted: ${JSON.stringify(reuse)}`);
    }
  });

  await t.step('a replayed refresh token ends the session; log in again', page, async () => {
    // Reuse detection revoked the whole token family: the app notices and asks to log in.
    await page.reload();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/prompts/);
    await page.getByRole('combobox', { name: 'Organization' }).waitFor();
  });

  await t.step('the organization switcher: a new organization, then back', page, async () => {
    const switcher = page.getByRole('combobox', { name: 'Organization' });
    await switcher.selectOption({ label: '+ New organization…' });
    await page.waitForURL(/\/organizations\/new$/);
    await page.getByRole('heading', { name: 'New organization', level: 1 }).waitFor();
    await t.axe(page, 'new organization');
    await page.getByLabel('Name', { exact: true }).fill('Side project');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/prompts$/);
    // Switched to it: its own (empty) prompts, and the owner's badge.
    await page.waitForFunction((acme) => {
      const el = document.querySelector('.org-switcher select');
      return el && /^[0-9a-f-]{36}$/.test(el.value) && el.value !== acme;
    }, t.state.orgId);
    const side = await switcher.inputValue();
    if ((await switcher.locator('option:checked').textContent()) !== 'Side project') throw new Error('the new organization is not selected');
    await page.getByText('No prompts yet.', { exact: false }).first().waitFor();
    await page.getByRole('banner').getByText('owner', { exact: true }).waitFor();

    // The choice is remembered across a reload.
    await page.reload();
    if ((await currentOrg(page)) !== side) throw new Error('the organization chosen is not remembered');

    await switcher.selectOption({ label: 'Acme AI' });
    if ((await currentOrg(page)) !== t.state.orgId) throw new Error('switching back did not select Acme AI');
    await page.waitForURL(/\/prompts$/);
    await page.reload();
    if ((await currentOrg(page)) !== t.state.orgId) throw new Error('Acme AI is not remembered');
    t.state.otherOrgId = side;
  });
}
