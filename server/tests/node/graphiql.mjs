// GraphiQL in headless Chromium against a running server, with no network beyond it:
// `node graphiql.mjs http://127.0.0.1:8080`. Signs up over HTTP, loads GraphiQL from
// GET /graphql, runs a query and a subscription through the UI and checks their results, and
// fails on any console error or any request to another origin.
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? process.env.PROMPTOPS_URL ?? "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node graphiql.mjs <server base url>");
  process.exit(2);
}
const origin = new URL(base).origin;
const wsOrigin = origin.replace(/^http/, "ws");

async function gql(query, variables = {}, token) {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const email = `graphiql-${Date.now()}@example.com`;
const { signUp } = await gql(
  `mutation($email: String!) { signUp(input: {email: $email, password: "correct horse battery",
     name: "Browser", organizationName: "Browser Org"}) { accessToken organization { id } } }`,
  { email },
);
const token = signUp.accessToken;
const { createPrompt } = await gql(
  `mutation($org: ID!) { createPrompt(orgId: $org, input: {name: "Greeting",
     version: {messages: [{role: USER, content: "Hello {{ name }}"}],
               model: {provider: MOCK, model: "echo"}}}) { id } }`,
  { org: signUp.organization.id },
  token,
);
const { executePrompt } = await gql(
  `mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: "world"}}) { id } }`,
  { p: createPrompt.id },
  token,
);

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
  ],
});
try {
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith("data:")) return route.continue();
    problems.push(`request to another origin: ${url}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("websocket", (socket) => {
    if (!socket.url().startsWith(`${wsOrigin}/`)) {
      problems.push(`WebSocket to another origin: ${socket.url()}`);
    }
  });

  const response = await page.goto(`${base}/graphql`);
  if (response?.status() !== 200) throw new Error(`GET /graphql: HTTP ${response?.status()}`);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 30_000 });

  // The header editor starts with the Authorization placeholder; put the token in it.
  const placeholder = await page.evaluate((token) => {
    const editors = [...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")];
    const headers = editors.map((e) => e.CodeMirror).find((cm) => cm.getValue().includes("Bearer"));
    if (!headers) return null;
    const before = headers.getValue();
    headers.setValue(JSON.stringify({ Authorization: `Bearer ${token}` }));
    return before;
  }, token);
  if (!placeholder?.includes("Bearer <token>")) {
    throw new Error(`no Authorization placeholder in the header editor: ${placeholder}`);
  }

  async function run(query, expected) {
    await page.evaluate((query) => {
      document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(query);
    }, query);
    // GraphiQL parses the editor's text after a short debounce, and picks HTTP or WebSocket
    // from that parse: give it time, and run again if it ran the previous document's way.
    await page.waitForTimeout(1_000);
    await page.click(".graphiql-execute-button");
    const deadline = Date.now() + 30_000;
    let result = "";
    while (Date.now() < deadline) {
      result = await page.evaluate(
        () => document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror.getValue() ?? "",
      );
      if (expected.every((text) => result.includes(text))) return result;
      if (result.includes("not supported on this transport")) {
        await page.waitForTimeout(500);
        await page.click(".graphiql-execute-button");
      }
      await page.waitForTimeout(200);
    }
    throw new Error(`${query}\nexpected ${JSON.stringify(expected)} in the result, got:\n${result}`);
  }

  await run("query { me { email } }", [email]);
  console.log("query through GraphiQL: ok");
  await run(
    `subscription { executionEvents(executionId: "${executePrompt.id}") { seq type } }`,
    ['"COMPLETED"'],
  );
  console.log("subscription through GraphiQL: ok");
} finally {
  await browser.close();
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log("GraphiQL in headless Chromium: query and subscription ran, no console errors, no outside requests");
