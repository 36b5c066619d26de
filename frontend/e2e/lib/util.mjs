// Small helpers the steps share.
let n = 0;
/** A unique email for this run. */
export function email(who) {
  n += 1;
  return `${who}-${Date.now().toString(36)}-${n}@e2e.test`;
}

/** Waits for the URL to match, then for network quiet. */
export async function settled(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
}
