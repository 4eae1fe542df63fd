/**
 * `npm run docs`: regenerate the rule pages' meta tables and the README's rules table.
 * `node scripts/run-ts.mjs scripts/docs.ts --rule <id>`: only that rule's page (nothing else is written).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../rules/index';
import { withMeta, withRulesTable } from './docsGen';

const root = process.cwd();
const only = process.argv.includes('--rule') ? process.argv[process.argv.indexOf('--rule') + 1] : undefined;
for (const r of rules) {
  if (only && r.id !== only) continue;
  const file = path.join(root, 'rules', r.id, 'README.md');
  if (!fs.existsSync(file)) {
    console.error(`missing ${path.relative(root, file)}: write the rule's doc page`);
    process.exitCode = 1;
    continue;
  }
  const text = fs.readFileSync(file, 'utf8');
  const next = withMeta(text, r);
  if (next !== text) {
    fs.writeFileSync(file, next);
    console.log(`updated ${path.relative(root, file)}`);
  }
}
if (!only) {
  const readme = path.join(root, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const next = withRulesTable(text, rules);
  if (next !== text) {
    fs.writeFileSync(readme, next);
    console.log('updated README.md');
  }
}
