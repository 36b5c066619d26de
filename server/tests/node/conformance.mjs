// The GraphQL-over-HTTP audit (graphql-http's serverAudits) against a running server:
// `node conformance.mjs http://127.0.0.1:8080/graphql`. Fails on any MUST or SHOULD failure;
// MAY results are printed for information.
import { serverAudits } from "graphql-http";

const url = process.argv[2] ?? process.env.GRAPHQL_URL;
if (!url) {
  console.error("usage: node conformance.mjs <graphql url>");
  process.exit(2);
}

const failures = [];
const counts = {};
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const level = audit.name.split(" ")[0];
  counts[level] ??= { ok: 0, total: 0 };
  counts[level].total += 1;
  if (result.status === "ok") {
    counts[level].ok += 1;
    continue;
  }
  const line = `${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}`;
  if (level === "MUST" || level === "SHOULD") {
    failures.push(line);
    console.log(line);
  } else {
    console.log(`(may) ${line}`);
  }
}
for (const [level, { ok, total }] of Object.entries(counts)) {
  console.log(`${level}: ${ok}/${total}`);
}
if (failures.length > 0) {
  console.error(`${failures.length} MUST/SHOULD audit(s) failed`);
  process.exit(1);
}
console.log("GraphQL-over-HTTP audit: every MUST and SHOULD passes");
