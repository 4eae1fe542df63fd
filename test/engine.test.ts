import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  applyFixes,
  classify,
  ConfigError,
  createEngine,
  defineRule,
  detectStyle,
  fixUntilStable,
  isDevGated,
  LineIndex,
  parseCode,
  parseConfig,
  parseDirectives,
  stringValue,
  ts,
  type Finding,
  type LintInput,
  type Rule,
} from '../server/src/engine';
import { FILE_KINDS } from '../server/src/shared/fileKinds';
import { rules } from '../rules/index';

describe('file-kind table', () => {
  const k8s = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n';
  const cases: [string, string | undefined, string?][] = [
    ['src/server.ts', 'code'],
    ['src/app/page.tsx', 'code'],
    ['lib/util.js', 'code'],
    ['lib/util.mjs', 'code'],
    ['lib/util.cjs', 'code'],
    ['lib/util.jsx', 'code'],
    ['lib/util.mts', 'code'],
    ['lib/util.cts', 'code'],
    ['types/global.d.ts', undefined],
    ['next.config.js', 'next.config'],
    ['apps/web/next.config.mjs', 'next.config'],
    ['next.config.ts', 'next.config'],
    ['docker-compose.yml', 'compose'],
    ['docker-compose.prod.yaml', 'compose'],
    ['deploy/compose.yaml', 'compose'],
    ['docker/dev-compose.yml', 'compose'],
    ['docker/services-compose.yml', 'compose'],
    ['.github/workflows/deploy.yml', 'workflow'],
    ['.github/workflows/ci.yaml', 'workflow'],
    ['.env', 'dotenv'],
    ['.env.production', 'dotenv'],
    ['apps/api/.env.local', 'dotenv'],
    ['config/prod.env', 'dotenv'],
    ['Dockerfile', 'dockerfile'],
    ['services/api/Dockerfile.prod', 'dockerfile'],
    ['api.Dockerfile', 'dockerfile'],
    ['nginx.conf', 'nginx'],
    ['deploy/nginx/conf.d/default.conf', 'nginx'],
    ['etc/nginx/sites-available/app', 'nginx'],
    ['redis.conf', 'redis'],
    ['config/redis/redis.conf', 'redis'],
    ['supabase/migrations/20240101_init.sql', 'sql'],
    ['prisma/migrations/20240101000000_init/migration.sql', 'sql'],
    ['db/migrations/001_users.sql', 'sql'],
    ['k8s/deployment.yaml', 'k8s', k8s],
    ['deploy/api.yml', 'k8s', k8s],
    ['config/settings.yaml', undefined, 'port: 3000\n'],
    ['charts/api/templates/deployment.yaml', undefined, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "api.fullname" . }}\n'],
    ['k8s/alertmanager.yaml', 'k8s', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alertmanager\ndata:\n  title: "{{ .GroupLabels.alertname }}"\n'],
    ['README.md', undefined],
    ['package.json', undefined],
    ['schema.sql', undefined],
  ];
  for (const [p, kind, text] of cases) {
    it(`${p} → ${kind ?? 'not ours'}`, () => {
      expect(classify(p, () => text ?? '')?.kind).toBe(kind);
    });
  }

  it('every kind of the table is exercised above', () => {
    const seen = new Set(cases.map((c) => c[1]).filter(Boolean));
    for (const k of FILE_KINDS) expect(seen.has(k.kind), k.kind).toBe(true);
  });

  it('a YAML file that cannot be read is not a manifest', () => {
    expect(classify('k8s/x.yaml', () => undefined)).toBeUndefined();
  });

  const roles: [string, boolean][] = [
    ['src/server.ts', true],
    ['src/server.test.ts', false],
    ['src/server.spec.tsx', false],
    ['test/helpers.ts', false],
    ['src/__tests__/a.ts', false],
    ['src/__mocks__/db.ts', false],
    ['packages/api/integration-tests/setup.ts', false],
    ['apps/web/_integration-test/db.ts', false],
    ['services/test-e2e/run.ts', false],
    ['.github/workflows/test-automation.yml', true],
    ['src/latest/handler.ts', true],
    ['e2e/login.ts', false],
    ['fixtures/app.ts', false],
    ['docs/example.ts', false],
    ['src/Button.stories.tsx', false],
    ['vitest.config.ts', false],
    ['playwright.config.ts', false],
    ['jest.config.js', false],
    ['drizzle.config.ts', false],
    ['.eslintrc.js', false],
    ['next.config.js', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['.env.production', true],
    ['docker-compose.ci.yml', false],
    ['docker-compose.test.yml', false],
    ['docker-compose.e2e.yml', false],
    ['docker-compose.yml', true],
    ['docker-compose.example.yml', false],
    ['src/email-template.ts', true],
    ['src/contest/entry.ts', true],
    ['scripts/seed.ts', true],
  ];
  for (const [p, production] of roles) {
    it(`${p} is ${production ? '' : 'not '}production material`, () => {
      expect(classify(p, () => '')!.production).toBe(production);
    });
  }

  it('deployed compose files and scripts are told apart', () => {
    expect(classify('docker-compose.prod.yml')!.roles.deployed).toBe(true);
    expect(classify('deploy/docker-compose.staging.yaml')!.roles.deployed).toBe(true);
    expect(classify('docker-compose.yml')!.roles.deployed).toBe(false);
    expect(classify('.env.production')!.roles.deployed).toBe(true);
    expect(classify('Dockerfile.prod')!.roles.deployed).toBe(true);
    expect(classify('.env.test')!.production).toBe(false);
    expect(classify('Dockerfile.ci')!.production).toBe(false);
    expect(classify('.env.development')!.roles.dev).toBe(true);
    expect(classify('.env.local')!.roles.dev).toBe(true);
    expect(classify('.devcontainer/Dockerfile')!.roles.dev).toBe(true);
    expect(classify('docker-compose.dev.yml')!.roles.dev).toBe(true);
    expect(classify('docker-compose.dev.yml')!.production).toBe(true);
    expect(classify('.env')!.roles.dev).toBe(false);
    expect(classify('svelte.config.js')!.production).toBe(true);
    expect(classify('vite.config.ts')!.production).toBe(false);
    expect(classify('scripts/migrate.ts')!.roles.script).toBe(true);
    expect(classify('apps/web/seed.ts')!.roles.script).toBe(true);
    expect(classify('prisma/seeds/users.ts')!.roles.script).toBe(true);
    expect(classify('src/seedling.ts')!.roles.script).toBe(false);
    expect(classify('apps/api/migrations/backfill-users.ts')!.roles.script).toBe(true);
    expect(classify('db/migrations/001_users.sql')!.roles.script).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------- test rules

const literalRule = defineRule({
  id: 'test-literal',
  title: 'Test literal',
  summary: 'Flags the string literal "bad".',
  severity: 'warning',
  kinds: ['code'],
  scope: 'file',
  checklist: 'test',
  fixable: true,
  hasSuggestions: false,
  messages: { bad: 'The literal {{value}} is bad.' },
  options: { replacement: { type: 'string', default: 'good', description: 'what the fix writes' } },
  textHint: /bad/,
  check(ctx) {
    return {
      StringLiteral(node: ts.StringLiteral) {
        if (node.text !== 'bad') return;
        const start = node.getStart(ctx.sourceFile) + 1;
        ctx.report({
          node,
          messageId: 'bad',
          data: { value: node.text },
          fix: { title: 'Replace', edits: [{ start, end: start + 3, text: String(ctx.options.replacement) }] },
        });
      },
    };
  },
});

const throwingRule = defineRule({
  id: 'test-throws',
  title: 'Throws',
  summary: 'Throws on every identifier named boom.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: 'test',
  fixable: false,
  hasSuggestions: false,
  messages: { never: 'never' },
  check() {
    return {
      Identifier(node: ts.Identifier) {
        if (node.text === 'boom') throw new Error('kaboom');
      },
    };
  },
});

const testRules: Rule[] = [literalRule, throwingRule];
const engine = createEngine({ rules: testRules });

function input(text: string, path = 'src/a.ts', extra: Partial<LintInput> = {}): LintInput {
  return { path, absPath: `/project/${path}`, text, classification: classify(path, () => text)!, ...extra };
}
const ids = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.line}:${f.ruleId}`);

describe('engine', () => {
  it('runs rules as visitors and formats messages', () => {
    const r = engine.lint(input("const a = 'bad';\nconst b = 'ok';\n"));
    expect(r.findings.map((f) => [f.line, f.column, f.message, f.severity])).toEqual([[1, 11, 'The literal bad is bad.', 'warning']]);
  });

  it('keeps one finding per rule per line', () => {
    const r = engine.lint(input("f('bad', 'bad');\n"));
    expect(ids(r.findings)).toEqual(['1:test-literal']);
  });

  it('drops findings in development-gated code', () => {
    const text = [
      "if (process.env.NODE_ENV === 'development') { use('bad'); }",
      "if (process.env.NODE_ENV !== 'production') { use('bad'); } else { use('bad'); }",
      "const x = process.env.NODE_ENV === 'test' ? 'bad' : 'fine';",
      "const y = isDev && 'bad';",
      "use('bad');",
    ].join('\n');
    expect(ids(engine.lint(input(text)).findings)).toEqual(['2:test-literal', '5:test-literal']);
  });

  it('a rule that throws is reported with its id and the other rules still report', () => {
    const r = engine.lint(input("const boom = 'bad';\n"));
    expect(r.internalErrors).toEqual([expect.objectContaining({ ruleId: 'test-throws', message: 'kaboom' })]);
    expect(ids(r.findings)).toEqual(['1:internal-error', '1:test-literal']);
    expect(r.findings[0].message).toContain('test-throws');
  });

  it('a file that does not parse yields one parse-error (info), rules still run, no fixes', () => {
    const r = engine.lint(input("const a = 'bad';\nfunction (\n"));
    const pe = r.findings.filter((f) => f.ruleId === 'parse-error');
    expect(pe).toHaveLength(1);
    expect(pe[0].severity).toBe('info');
    expect(r.parseError).toBe(true);
    const lit = r.findings.find((f) => f.ruleId === 'test-literal')!;
    expect(lit.fix).toBeUndefined();
  });

  it('textHint keeps files the rule cannot flag from being parsed', () => {
    const only = createEngine({ rules: [literalRule] });
    expect(only.lint(input('const a = 1;\n')).parsed).toBe(false);
    expect(only.lint(input("const a = 'bad';\n")).parsed).toBe(true);
  });

  it('codeHint decides on the parsed file\'s names, with the rule\'s options; parents are linked by the one walk', () => {
    const seen: string[] = [];
    const named = defineRule({
      ...literalRule,
      id: 'test-named',
      textHint: () => {
        throw new Error('a code file must not run textHint when the rule has a codeHint');
      },
      codeHint: (ids, text, file) => {
        seen.push(file.path);
        return ids.has('listen') || (file.options.also === true && text.includes('SIGTERM'));
      },
      options: { also: { type: 'boolean', default: false, description: 'also SIGTERM' } },
      check(ctx) {
        return {
          Identifier(node: ts.Identifier) {
            // parents are there for every node, as with TypeScript's own parent pass
            if (node.text === 'listen' && node.parent.parent && ts.isCallExpression(node.parent.parent)) {
              ctx.report({ node, messageId: 'bad', data: { value: node.getText() } });
            }
          },
        };
      },
    });
    const only = createEngine({ rules: [named] });
    const hit = only.lint(input('app.listen(3000);\n'));
    expect(hit.findings.map((f) => f.ruleId)).toEqual(['test-named']);
    // a name inside a string is not a name: the rule does not run, and the file's parse error is not reported
    const miss = only.lint(input("log('listen');\nfunction (\n"));
    expect(miss.findings).toEqual([]);
    expect(seen).toEqual(['src/a.ts', 'src/a.ts']);
    const config = parseConfig('{ "rules": { "test-named": ["warning", { "also": true }] } }', [named]);
    const withOption = only.lint(input("process.on('SIGTERM', stop);\nfunction (\n", 'src/a.ts', { config }));
    expect(withOption.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
  });

  it('a hint that throws fails its rule only: internal-error, the other rules still run', () => {
    const boom = (): boolean => {
      throw new Error('hint broke');
    };
    const brokenCode = defineRule({ ...literalRule, id: 'broken-code', textHint: undefined, codeHint: boom });
    const brokenText = defineRule({ ...literalRule, id: 'broken-text', kinds: ['code', 'compose'], textHint: boom });
    const e = createEngine({ rules: [brokenCode, brokenText, literalRule] });
    const r = e.lint(input("x('bad');\n"));
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['internal-error', 'internal-error', 'test-literal']);
    expect(r.findings.filter((f) => f.ruleId === 'internal-error').map((f) => f.message).sort()).toEqual([
      'Rule "broken-code" failed on this file: hint broke',
      'Rule "broken-text" failed on this file: hint broke',
    ]);
  });

  it('non-production files are not linted', () => {
    expect(engine.lint(input("const a = 'bad';\n", 'src/a.test.ts')).findings).toEqual([]);
  });

  it('config severity and options apply; off disables', () => {
    const config = parseConfig('{ "rules": { "test-literal": ["error", { "replacement": "fine" }] } }', testRules);
    const r = engine.lint(input("x('bad');\n", 'src/a.ts', { config }));
    expect(r.findings[0].severity).toBe('error');
    expect(r.findings[0].fix!.edits[0].text).toBe('fine');
    const off = parseConfig('{ "rules": { "test-literal": "off" } }', testRules);
    expect(engine.lint(input("x('bad');\n", 'src/a.ts', { config: off })).findings).toEqual([]);
  });

  it('fix() loops until stable and re-lints', () => {
    const r = engine.fix(input("x('bad'); y('bad');\nz('bad');\n"));
    expect(r.text).toBe("x('good'); y('good');\nz('good');\n");
    expect(r.fixed).toBe(3);
    expect(r.result.findings).toEqual([]);
  });
});

describe('suppressions', () => {
  it('next-line, line and file directives with reasons, in each comment syntax', () => {
    const text = [
      '// prodready-disable-next-line test-literal -- fixture value',
      "a('bad');",
      "b('bad'); // prodready-disable-line test-literal -- documented",
      "c('bad'); /* prodready-disable-line test-literal */",
      "d('bad');",
    ].join('\n');
    const r = engine.lint(input(text));
    const sup = r.findings.filter((f) => f.suppressed);
    expect(sup.map((f) => [f.line, f.suppressed!.justification])).toEqual([
      [2, 'fixture value'],
      [3, 'documented'],
      [4, ''],
    ]);
    expect(r.findings.filter((f) => !f.suppressed).map((f) => f.line)).toEqual([5]);
  });

  it('file directives suppress the whole file; other ids do not match', () => {
    const r = engine.lint(input("// prodready-disable-file test-literal -- generated fixtures\na('bad');\nb('bad');\n"));
    expect(r.findings.every((f) => f.suppressed)).toBe(true);
    const other = engine.lint(input("// prodready-disable-next-line open-cors\na('bad');\n"));
    expect(other.findings.filter((f) => !f.suppressed)).toHaveLength(1);
  });

  it('hash and sql comment syntaxes, and the directive must be in a comment', () => {
    const lines = (t: string) => new LineIndex(t);
    const yaml = '# prodready-disable-next-line exposed-port -- dev only\n- "6379:6379"\n';
    expect(parseDirectives(yaml, lines(yaml), 'hash').map((d) => [d.kind, d.ruleIds, d.reason, d.target])).toEqual([
      ['next-line', ['exposed-port'], 'dev only', 2],
    ]);
    const sql = 'create table t(); -- prodready-disable-line rls-disabled, other -- internal table\n';
    expect(parseDirectives(sql, lines(sql), 'sql').map((d) => [d.ruleIds, d.reason])).toEqual([[['rls-disabled', 'other'], 'internal table']]);
    const notComment = "const s = 'prodready-disable-line x';\n";
    expect(parseDirectives(notComment, lines(notComment), 'js')).toEqual([]);
    const jsx = "{/* prodready-disable-next-line test-literal -- jsx */}\n";
    expect(parseDirectives(jsx, lines(jsx), 'js').map((d) => d.reason)).toEqual(['jsx']);
  });

  it('--require-reason and --report-unused-disable-directives', () => {
    const text = "// prodready-disable-next-line test-literal\na('bad');\n// prodready-disable-next-line test-literal -- stale\nb('fine');\n";
    const r = engine.lint(input(text, 'src/a.ts', { requireReason: true, reportUnusedDirectives: true }));
    expect(ids(r.findings.filter((f) => !f.suppressed))).toEqual(['1:disable-without-reason', '3:unused-disable-directive']);
  });
});

describe('config validation', () => {
  const all = [...rules, ...testRules];
  const err = (text: string): ConfigError => {
    try {
      parseConfig(text, all, '/p/.prodready.json');
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('no error');
  };

  it('accepts comments, trailing commas, severities and options', () => {
    const c = parseConfig('{\n // c\n "rules": { "exposed-port": ["warning", { "internalImages": ["acme/db"] }], },\n "exclude": ["legacy/**"],\n}', all);
    expect(c.rules.get('exposed-port')).toEqual({ severity: 'warning', options: { internalImages: ['acme/db'] } });
    expect(c.exclude[0].match('legacy/a.ts')).toBe(true);
  });

  it('unknown keys and rule ids name the key and suggest the closest', () => {
    const a = err('{ "rule": {} }');
    expect(a.message).toContain('unknown key "rule"');
    expect(a.message).toContain('Did you mean "rules"?');
    expect(a.key).toBe('rule');
    const b = err('{ "rules": { "exposed-ports": "error" } }');
    expect(b.message).toContain('unknown rule "exposed-ports"');
    expect(b.message).toContain('Did you mean "exposed-port"?');
    expect(b.offset).toBeGreaterThan(0);
  });

  it('invalid severities list the allowed values', () => {
    const e = err('{ "rules": { "exposed-port": "warn" } }');
    expect(e.message).toContain('Allowed values: off, info, warning, error');
    expect(e.message).toContain('Did you mean "warning"?');
  });

  it('options are checked by name and type', () => {
    expect(err('{ "rules": { "exposed-port": ["error", { "images": [] }] } }').message).toContain('Allowed options: internalImages');
    expect(err('{ "rules": { "exposed-port": ["error", { "internalImages": "x" }] } }').message).toContain('must be an array of strings');
    expect(err('{ "rules": { "test-literal": ["error", { "replacement": 3 }] } }').message).toContain('must be a string');
  });

  it('invalid JSON and wrong shapes', () => {
    expect(err('{ "rules": ').message).toContain('invalid JSON');
    expect(err('[]').message).toContain('JSON object');
    expect(err('{ "include": "src" }').message).toContain('array of glob strings');
  });
});

describe('fix application', () => {
  it('applies edits and refuses overlapping ones', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }])).toBe('AbcdEf');
    expect(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }])).toThrow(/overlapping/);
  });

  it('a pass skips fixes overlapping an earlier one; the loop picks them up', () => {
    const f = (start: number, end: number, text: string): Finding =>
      ({ ruleId: 'r', messageId: 'm', severity: 'error', message: '', path: 'a', absPath: '/a', line: 1, column: 1, endLine: 1, endColumn: 1, start, end, fix: { title: 't', edits: [{ start, end, text }] } }) as Finding;
    const { text, applied } = applyFixes('0123456789', [f(0, 4, 'x'), f(2, 6, 'y'), f(8, 9, 'z')]);
    expect(text).toBe('x4567z9');
    expect(applied).toHaveLength(2);
    let calls = 0;
    const out = fixUntilStable('aaa', (t) => {
      calls++;
      const i = t.indexOf('a');
      return i < 0 ? [] : [f(i, i + 1, 'b')];
    });
    expect(out).toEqual({ text: 'bbb', fixed: 3, passes: 3 });
    expect(calls).toBe(4);
  });
});

describe('text helpers', () => {
  it('LineIndex handles LF, CRLF and CR', () => {
    const li = new LineIndex('a\r\nbb\ncc\rd');
    expect([li.position(0), li.position(3), li.position(6), li.position(9)]).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
    expect(li.lineText(1)).toBe('a');
    expect(li.lineText(2)).toBe('bb');
  });

  it('detects quotes, semicolons, indentation and line endings', () => {
    const a = detectStyle("import x from 'x';\r\nfunction f() {\r\n    return 'a';\r\n}\r\n");
    expect([a.quote, a.semicolons, a.indent, a.eol]).toEqual(["'", true, '    ', '\r\n']);
    const b = detectStyle('import x from "x"\nfunction f() {\n  return "a"\n}\n');
    expect([b.quote, b.semicolons, b.indent, b.eol]).toEqual(['"', false, '  ', '\n']);
    expect(b.str('it"s')).toBe('"it\\"s"');
  });

  it('isDevGated and stringValue on raw nodes', () => {
    const sf = parseCode('a.ts', "if (process.env.NODE_ENV === 'development') { x('in'); }\nx('out');\n");
    const lits: ts.StringLiteral[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isStringLiteral(n) && (n.text === 'in' || n.text === 'out')) lits.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sf);
    expect(lits.map((l) => [stringValue(l), isDevGated(l)])).toEqual([
      ['in', true],
      ['out', false],
    ]);
  });
});

describe('type-aware scans', () => {
  const typedRule = defineRule({
    id: 'test-typed',
    title: 'Typed',
    summary: 'Flags identifiers passed to log() whose type has a password property.',
    severity: 'error',
    kinds: ['code'],
    scope: 'file',
    checklist: 'test',
    fixable: false,
    hasSuggestions: false,
    messages: { typed: '{{name}} has a password.', untyped: 'no types for {{name}}' },
    textHint: /log\(/,
    usesTypes: true,
    check(ctx) {
      return {
        CallExpression(node: ts.CallExpression) {
          const arg = node.arguments[0];
          if (!arg || !ts.isIdentifier(arg)) return;
          if (!ctx.checker) {
            ctx.report({ node, messageId: 'untyped', data: { name: arg.text } });
            return;
          }
          if (ctx.checker.getTypeAtLocation(arg).getProperty('password')) ctx.report({ node, messageId: 'typed', data: { name: arg.text } });
        },
      };
    },
  });

  it('builds one Program per tsconfig, uses the checker inside it and syntax outside', async () => {
    const { scan } = await import('../server/src/engine');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-typed-'));
    fs.mkdirSync(path.join(dir, 'app', 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app', 'tsconfig.json'), '{ "compilerOptions": { "strict": true, "moduleResolution": "node10" }, "include": ["src"] }');
    fs.writeFileSync(path.join(dir, 'app', 'src', 'a.ts'), 'interface User { id: string; password: string }\ndeclare const u: User;\ndeclare const n: { id: string };\ndeclare function log(x: unknown): void;\nlog(u);\nlog(n);\n');
    fs.writeFileSync(path.join(dir, 'app', 'webpack.js'), 'log(cfg);\n');
    const eng = createEngine({ rules: [typedRule] });
    const res = scan(eng, { paths: [dir], cwd: dir, root: dir, typeAware: true });
    const byPath = Object.fromEntries(res.files.map((f) => [f.path, f.findings.map((x) => `${x.line}:${x.messageId}`)]));
    expect(byPath['app/src/a.ts']).toEqual(['5:typed']);
    expect(byPath['app/webpack.js']).toEqual(['1:untyped']);
    expect(res.typeAware).toMatchObject({ programs: 1, typedFiles: 1, untypedFiles: 1, failures: [] });
    const plain = scan(eng, { paths: [dir], cwd: dir, root: dir });
    expect(plain.files.find((f) => f.path === 'app/src/a.ts')!.findings.map((x) => x.messageId)).toEqual(['untyped', 'untyped']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('logged-secret with type information', () => {
  it('reports a neutrally named argument whose type has a password field only on type-aware runs', async () => {
    const { scan } = await import('../server/src/engine');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-typed-ls-'));
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true }, "include": ["src"] }');
    fs.writeFileSync(
      path.join(dir, 'src', 'audit.ts'),
      [
        'import pino from "pino";',
        'const logger = pino();',
        'interface Row { id: string; passwordHash: string }',
        'interface Meta { id: string; createdAt: Date }',
        'export function audit(row: Row, meta: Meta) {',
        '  logger.info(row);',
        '  logger.info(meta);',
        '}',
        '',
      ].join('\n'),
    );
    const eng = createEngine({ rules });
    const typed = scan(eng, { paths: [dir], cwd: dir, root: dir, typeAware: true });
    const plain = scan(eng, { paths: [dir], cwd: dir, root: dir });
    const lines = (r: typeof typed) => r.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'logged-secret').map((x) => `${x.line}:${x.messageId}`));
    expect(lines(typed)).toEqual(['6:typedSecret']);
    expect(lines(plain)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
