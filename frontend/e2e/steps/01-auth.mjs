// A new user signs up (landing in their organization), logs out, and logs back in.
import { email } from '../lib/util.mjs';

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
    await page.getByRole('combobox', { name: 'Organization' }).waitFor();
    const org = await page.getByRole('combobox', { name: 'Organization' }).inputValue();
    if (!org) throw new Error('no organization selected after sign-up');
    t.state.orgId = org;
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
}
