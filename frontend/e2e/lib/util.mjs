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

/** The organization switcher's value once the memberships have loaded. */
export async function currentOrg(page) {
  const select = page.getByRole('combobox', { name: 'Organization' });
  await select.waitFor();
  const handle = await page.waitForFunction(() => {
    const el = document.querySelector('.org-switcher select');
    // An organization's id (not the empty placeholder, nor "+ New organization…").
    return el && /^[0-9a-f-]{36}$/.test(el.value) ? el.value : null;
  });
  return handle.jsonValue();
}

/**
 * A GraphQL call made from the page, with the signed-in user's access token (the session the
 * app keeps in localStorage); throws on any GraphQL error.
 */
export async function gql(page, query, variables) {
  const answer = await page.evaluate(
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
  if (answer.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}
