// Fails when src/gql/ is not what graphql-codegen makes from ../schema.graphql and the
// operations in src/ today: run `npm run codegen` and commit the result.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'promptops-codegen-'));
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, CODEGEN_OUT: `${out}/` },
  });
  const committed = 'src/gql';
  const names = new Set([...readdirSync(out), ...readdirSync(committed)]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(out, name), 'utf8') !== readFileSync(join(committed, name), 'utf8');
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`src/gql is stale (${stale.join(', ')}): run \`npm run codegen\` and commit it`);
    process.exit(1);
  }
  console.log('src/gql matches schema.graphql and the operations');
} finally {
  rmSync(out, { recursive: true, force: true });
}
