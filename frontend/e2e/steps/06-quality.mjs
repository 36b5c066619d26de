// Every area at a 390 px phone width in the dark theme: axe-core finds no serious or critical
// violation, nothing scrolls sideways, and the app is usable from the keyboard (skip link,
// the menu, the navigation) — then back to the desktop width and the light theme.
import { currentOrg } from '../lib/util.mjs';

const AREAS = [
  ['Prompts', /\/prompts/],
  ['Playground', /\/playground/],
  ['Executions', /\/executions/],
  ['Workflows', /\/workflows/],
  ['Datasets', /\/datasets/],
  ['Evaluations', /\/evaluations/],
  ['Settings', /\/settings/],
];

async function noSidewaysScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  if (scroll > width + 1) throw new Error(`${what} scrolls sideways at ${width} px (content ${scroll} px wide)`);
}

export default async function quality(t) {
  const page = t.state.page;

  await t.step('the keyboard reaches everything: skip link, navigation', page, async () => {
    await page.goto('/prompts');
    await currentOrg(page);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (first !== 'Skip to content') throw new Error(`the first Tab stop is "${first}", not the skip link`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    // Tab from the top bar into the navigation and open Workflows with Enter.
    await page.getByRole('link', { name: 'Workflows' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/workflows/);
    const focusVisible = await page.evaluate(() => {
      const el = document.querySelector('#sidenav a.active');
      el?.focus();
      return el ? getComputedStyle(el).outlineStyle !== 'none' : false;
    });
    if (!focusVisible) throw new Error('the focused navigation link shows no focus outline');
  });

  await t.step('every area at 390 px in the dark theme', page, async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    if (theme !== 'dark') throw new Error(`the theme is ${theme}`);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, url] of AREAS) {
      // On a phone the navigation sits behind the menu button.
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.waitForURL(url);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await noSidewaysScroll(page, name);
      await t.axe(page, `${name} (390 px, dark)`);
    }
  });

  await t.step('back to 1280 px and the light theme; the choice is remembered', page, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await page.reload();
    await currentOrg(page);
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    if (theme !== 'light') throw new Error(`after a reload the theme is ${theme}`);
    await t.axe(page, 'light theme after reload');
  });

  await t.step('errors read as what they mean: a prompt that does not exist', page, async () => {
    await page.goto('/prompts/00000000-0000-4000-8000-000000000000');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    if (!/Not found/.test(text)) throw new Error(`the error says: ${text}`);
    await t.axe(page, 'not found');
  });
}
