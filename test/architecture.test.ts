/** Who may import whom (CONVENTIONS.md), and the rule list's shape. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index';

const ROOT = path.join(__dirname, '..');

function sources(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  const rec = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'fixtures' && e.name !== 'node_modules') rec(p);
      } else if (/\.(ts|mts|cts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  rec(abs);
  return out;
}

/** Every module specifier a file imports (static, re-export, require, dynamic import), with type-only flags. */
function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { spec: string; typeOnly: boolean }[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(n) ? !!n.importClause?.isTypeOnly : n.isTypeOnly;
      out.push({ spec: n.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) {
        out.push({ spec: n.arguments[0].text, typeOnly: false });
      }
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ spec: n.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The repo-relative target of a relative specifier, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec}`;
  return path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
}

interface Policy {
  readonly dir: string;
  readonly forbid: (t: string, file: string) => string | undefined;
}

const isVscode = (t: string) => t === 'pkg:vscode' || t.startsWith('pkg:vscode-language');
const policies: Policy[] = [
  {
    dir: 'server/src/shared',
    forbid: (t) => (t.startsWith('pkg:') && !t.startsWith('pkg:node:') ? 'shared imports no packages' : !t.startsWith('server/src/shared') ? 'shared imports nothing outside shared' : undefined),
  },
  {
    dir: 'server/src/engine',
    forbid: (t) =>
      isVscode(t) ? 'engine must not import vscode*' : /^server\/src\/(lsp|cli)/.test(t) ? 'engine must not import lsp/cli' : t.startsWith('rules') ? 'rules are handed to the engine, not imported' : undefined,
  },
  {
    dir: 'server/src/cli',
    forbid: (t) => (isVscode(t) ? 'cli must not import vscode*' : t.startsWith('server/src/lsp') ? 'cli must not import lsp' : t.startsWith('rules/') && t !== 'rules/index' ? 'cli imports rules/index only' : undefined),
  },
  {
    dir: 'server/src/lsp',
    forbid: (t) =>
      t === 'pkg:vscode' || t === 'pkg:vscode-languageclient' || t.startsWith('pkg:vscode-languageclient/')
        ? 'lsp must not import the client side'
        : t.startsWith('server/src/cli')
          ? 'lsp must not import cli'
          : t.startsWith('rules/') && t !== 'rules/index'
            ? 'lsp imports rules/index only'
            : undefined,
  },
  {
    dir: 'server/src/eslint',
    forbid: (t) =>
      isVscode(t) ? 'the ESLint plugin must not import vscode*' : /^server\/src\/(lsp|cli)/.test(t) ? 'the ESLint plugin must not import lsp/cli' : t.startsWith('rules/') && t !== 'rules/index' ? 'the ESLint plugin imports rules/index only' : undefined,
  },
  {
    dir: 'client/src',
    forbid: (t) => (/^server\/src\/(engine|lsp|cli)/.test(t) ? 'client must stay light: no engine/lsp/cli' : t.startsWith('rules') ? 'client must not import rules' : undefined),
  },
  {
    dir: 'rules',
    forbid: (t, file) => {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      if (rel === 'rules/index.ts') return undefined;
      if (isVscode(t)) return 'rules must not import vscode*';
      if (t.startsWith('server/src/') && t !== 'server/src/engine/api') return 'rules import the engine only through server/src/engine/api';
      const own = rel.split('/')[1];
      if (t.startsWith('rules/') && !t.startsWith('rules/_lib/') && t.split('/')[1] !== own) return 'a rule never imports another rule';
      if (own === '_lib' && t.startsWith('rules/') && !t.startsWith('rules/_lib/')) return '_lib must not import rules';
      return undefined;
    },
  },
];

describe('architecture', () => {
  for (const p of policies) {
    it(`${p.dir} imports only what it may`, () => {
      const violations: string[] = [];
      for (const file of sources(p.dir)) {
        for (const imp of importsOf(file)) {
          const t = target(file, imp.spec);
          // type-only imports of the engine's types from shared are fine everywhere
          if (imp.typeOnly && p.dir === 'server/src/shared' && t.startsWith('server/src/shared')) continue;
          const why = p.forbid(t, file);
          if (why) violations.push(`${path.relative(ROOT, file)} imports ${imp.spec}: ${why}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('rules/index.ts lists every rule folder, sorted by id', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'rules'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
      .map((e) => e.name)
      .sort();
    expect(rules.map((r) => r.id)).toEqual(folders);
  });

  it('rule metadata keys come in the conventional order', () => {
    const order = ['id', 'title', 'summary', 'severity', 'kinds', 'scope', 'checklist', 'fixable', 'hasSuggestions', 'messages', 'options', 'textHint', 'codeHint', 'usesTypes', 'usesFacts', 'check'];
    for (const r of rules) {
      const file = path.join(ROOT, 'rules', r.id, 'rule.ts');
      const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      let keys: string[] | undefined;
      const visit = (n: ts.Node): void => {
        if (!keys && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'defineRule' && ts.isObjectLiteralExpression(n.arguments[0])) {
          keys = n.arguments[0].properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '?'));
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      expect(keys, `${r.id}: defineRule({...}) not found`).toBeDefined();
      const positions = keys!.map((k) => order.indexOf(k));
      expect(positions.every((p) => p >= 0), `${r.id}: unknown key in ${keys}`).toBe(true);
      expect(positions, `${r.id}: keys ${keys!.join(', ')}`).toEqual([...positions].sort((a, b) => a - b));
      expect(r.docsUrl).toMatch(new RegExp(`/rules/${r.id}/README\\.md$`));
    }
  });
});
