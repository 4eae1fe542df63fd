/** The config-kind parsers: dotenv, Dockerfile, nginx, redis.conf, SQL. Positions are checked by slicing the text. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, defineRule, nginxDirectives, parseText, ProjectView, qualifiedName, scan, type DotenvFile, type Dockerfile, type NginxConf, type RedisConf, type SqlFile } from '../server/src/engine';
import { NginxIncludes } from '../server/src/engine/nginxIncludes';
import { tmpDir } from './harness';

const dotenv = (t: string) => parseText('dotenv', t) as DotenvFile;
const docker = (t: string) => parseText('dockerfile', t) as Dockerfile;
const nginx = (t: string) => parseText('nginx', t) as NginxConf;
const redis = (t: string) => parseText('redis', t) as RedisConf;
const sql = (t: string) => parseText('sql', t) as SqlFile;

describe('dotenv', () => {
  it('reads keys, values, quotes, export, inline comments and positions', () => {
    const text = [
      '# comment',
      'JWT_SECRET=abc123 # inline',
      'export API_KEY = "quoted value" ',
      "SINGLE='a # not a comment'",
      'EMPTY=',
      'MULTI="line one',
      'line two"',
      'AFTER=1',
      'URL=postgres://u:p@h/db#frag',
      'COLON: yes',
    ].join('\r\n');
    const f = dotenv(text);
    expect(f.errors).toEqual([]);
    const byKey = Object.fromEntries(f.entries.map((e) => [e.key, e]));
    expect(Object.keys(byKey)).toEqual(['JWT_SECRET', 'API_KEY', 'SINGLE', 'EMPTY', 'MULTI', 'AFTER', 'URL', 'COLON']);
    expect(byKey.JWT_SECRET.value).toBe('abc123');
    expect(text.slice(byKey.JWT_SECRET.valueStart, byKey.JWT_SECRET.valueEnd)).toBe('abc123');
    expect(text.slice(byKey.JWT_SECRET.keyStart, byKey.JWT_SECRET.keyEnd)).toBe('JWT_SECRET');
    expect(byKey.API_KEY).toMatchObject({ value: 'quoted value', quote: '"', exported: true, line: 3 });
    expect(text.slice(byKey.API_KEY.valueStart, byKey.API_KEY.valueEnd)).toBe('"quoted value"');
    expect(byKey.SINGLE.value).toBe('a # not a comment');
    expect(byKey.EMPTY).toMatchObject({ value: '', line: 5 });
    expect(byKey.MULTI.value).toBe('line one\r\nline two');
    expect(byKey.AFTER.line).toBe(8);
    expect(byKey.URL.value).toBe('postgres://u:p@h/db#frag');
    expect(byKey.COLON.value).toBe('yes');
    expect(f.get('AFTER')?.value).toBe('1');
  });

  it('records unreadable lines and keeps going', () => {
    const f = dotenv('not a pair\n1BAD=x\nGOOD=1\nOPEN="never closed\n');
    expect(f.errors.length).toBe(3);
    expect(f.entries.map((e) => e.key)).toEqual(['GOOD', 'OPEN']);
  });
});

describe('Dockerfile', () => {
  it('reads stages, continuations, JSON form, heredocs and global ARGs', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG NODE_VERSION=20',
      'FROM node:${NODE_VERSION}-alpine AS build',
      'RUN npm ci && \\',
      '    # a comment inside',
      '    npm run build',
      'RUN <<EOF',
      'echo hi',
      'EOF',
      'FROM --platform=linux/amd64 gcr.io/distroless/nodejs20-debian12:nonroot',
      'COPY --from=build /app /app',
      'USER node',
      'HEALTHCHECK --interval=30s CMD ["node", "health.js"]',
      'CMD ["node", "server.js"]',
    ].join('\n');
    const d = docker(text);
    expect(d.errors).toEqual([]);
    expect(d.stages.map((s) => [s.image, s.name])).toEqual([
      ['node:20-alpine', 'build'],
      ['gcr.io/distroless/nodejs20-debian12:nonroot', undefined],
    ]);
    const run = d.stages[0].instructions[0];
    expect(run).toMatchObject({ keyword: 'RUN', line: 4, args: 'npm ci &&     npm run build' });
    expect(text.slice(run.start, run.end)).toBe('RUN npm ci && \\\n    # a comment inside\n    npm run build');
    expect(d.stages[0].instructions[1]).toMatchObject({ keyword: 'RUN', line: 7 });
    const last = d.stages[1];
    expect(last.instructions.map((i) => i.keyword)).toEqual(['COPY', 'USER', 'HEALTHCHECK', 'CMD']);
    expect(last.instructions[3].json).toEqual(['node', 'server.js']);
    expect(last.from.line).toBe(10);
  });

  it('honours the escape directive and survives junk', () => {
    const d = docker('# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n');
    expect(d.escape).toBe('`');
    expect(d.instructions[1].args).toBe('dir   c:\\');
    expect(() => docker('\u0000\u0001 garbage {{{\nRUN <<EOF\nno end')).not.toThrow();
  });
});

describe('nginx', () => {
  const text = [
    'http {',
    '  # comment',
    '  server {',
    '    listen 443 ssl http2;',
    '    ssl_protocols TLSv1 TLSv1.2;',
    '    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    '    location / { proxy_pass http://${UPSTREAM}; }',
    '    content_by_lua_block { ngx.say("}") }',
    '  }',
    '}',
  ].join('\n');

  it('reads blocks, quoted arguments and positions', () => {
    const c = nginx(text);
    expect(c.errors).toEqual([]);
    const all = [...nginxDirectives(c.directives)];
    const listen = all.find((x) => x.directive.name === 'listen')!;
    expect(listen.ancestors.map((a) => a.name)).toEqual(['http', 'server']);
    expect(listen.directive.args.map((a) => a.value)).toEqual(['443', 'ssl', 'http2']);
    expect(listen.directive.line).toBe(4);
    const hsts = all.find((x) => x.directive.name === 'add_header')!.directive;
    expect(hsts.args[1]).toMatchObject({ value: 'max-age=31536000; includeSubDomains', quoted: true });
    expect(text.slice(hsts.start, hsts.end)).toBe('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
    expect(all.find((x) => x.directive.name === 'proxy_pass')!.directive.args[0].value).toBe('http://${UPSTREAM}');
    expect(all.map((x) => x.directive.name)).not.toContain('ngx.say(');
  });

  it('records unbalanced braces and missing semicolons without throwing', () => {
    expect(nginx('server { listen 80').errors.length).toBeGreaterThan(0);
    expect(nginx('}}} listen 80;').errors.length).toBeGreaterThan(0);
    expect(nginx('server { listen 80 }').directives[0].block?.[0].name).toBe('listen');
  });

  it('resolves includes inside the project only', () => {
    const root = tmpDir('nginx');
    fs.mkdirSync(path.join(root, 'nginx/snippets'), { recursive: true });
    fs.mkdirSync(path.join(root, 'nginx/conf.d'), { recursive: true });
    fs.writeFileSync(path.join(root, 'nginx/snippets/hsts.conf'), 'add_header Strict-Transport-Security "max-age=63072000" always;\n');
    fs.writeFileSync(path.join(root, 'nginx/conf.d/a.conf'), 'server { listen 80; }\n');
    fs.writeFileSync(path.join(root, 'nginx/conf.d/b.conf'), 'server { listen 8080; }\n');
    const main = path.join(root, 'nginx/nginx.conf');
    const conf = 'include snippets/hsts.conf;\ninclude /etc/nginx/conf.d/*.conf;\ninclude /etc/passwd;\n';
    fs.writeFileSync(main, conf);
    const inc = new NginxIncludes();
    const ds = nginx(conf).directives;
    expect(inc.resolve(ds[0], main, root).map((d) => d.name)).toEqual(['add_header']);
    expect(inc.resolve(ds[1], main, root).map((d) => d.block?.[0].args[0].value)).toEqual(['80', '8080']);
    expect(inc.resolve(ds[2], main, root)).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('redis.conf', () => {
  it('reads directives, quoted arguments and the last of a name', () => {
    const text = '# bind 127.0.0.1\nbind 0.0.0.0 ::\nPROTECTED-MODE no\nrequirepass "pa ss\\"word"\nappendonly yes\nappendonly no\n';
    const c = redis(text);
    expect(c.directives.map((d) => d.name)).toEqual(['bind', 'protected-mode', 'requirepass', 'appendonly', 'appendonly']);
    expect(c.last('appendonly')?.args[0].value).toBe('no');
    expect(c.last('appendonly')?.line).toBe(6);
    expect(c.last('requirepass')?.args[0].value).toBe('pa ss"word');
    const b = c.last('bind')!;
    expect(text.slice(b.start, b.end)).toBe('bind 0.0.0.0 ::');
  });
});

describe('SQL', () => {
  it('splits statements outside strings, comments and dollar-quoted bodies', () => {
    const text = [
      '-- migration; with a semicolon',
      'CREATE TABLE IF NOT EXISTS "public"."Users" (id uuid, note text default \'a;b\');',
      '/* block; /* nested; */ still; */',
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RAISE 'x;'; END; $$ LANGUAGE plpgsql;",
      'alter table public.users enable row level security;',
      "INSERT INTO t VALUES (E'it\\'s; fine')",
    ].join('\n');
    const f = sql(text);
    expect(f.errors).toEqual([]);
    expect(f.statements.map((s) => s.line)).toEqual([2, 4, 5, 6]);
    expect(f.statements[0].head.startsWith('CREATE TABLE IF NOT EXISTS public . Users (')).toBe(true);
    const t = f.statements[0].tokens;
    expect(qualifiedName(t, 5)).toMatchObject({ schema: 'public', name: 'Users' });
    expect(qualifiedName(f.statements[2].tokens, 2)).toMatchObject({ schema: 'public', name: 'users' });
    expect(f.statements[1].tokens.find((x) => x.type === 'dollar')?.value).toContain("RAISE 'x;'");
    expect(f.statements[3].tokens.find((x) => x.type === 'string')?.value).toBe("it's; fine");
    expect(text.slice(f.statements[2].start, f.statements[2].end)).toBe('alter table public.users enable row level security;');
  });

  it('reports unterminated strings and bodies without throwing', () => {
    expect(sql("SELECT 'open").errors.length).toBe(1);
    expect(sql('DO $body$ BEGIN').errors.length).toBe(1);
    expect(sql('/* open').errors.length).toBe(1);
  });
});

describe('project-level findings', () => {
  // A tiny project rule: a `listen(` call is a finding unless some file of the package handles SIGTERM.
  const rule = defineRule({
    id: 'test-shutdown',
    title: 't',
    summary: 'Test rule.',
    severity: 'warning',
    kinds: ['code'],
    scope: 'project',
    checklist: 'test',
    fixable: false,
    hasSuggestions: false,
    messages: { missing: 'No SIGTERM handler for this server.' },
    textHint: /listen|SIGTERM/,
    check(ctx) {
      if (/SIGTERM/.test(ctx.file.text)) ctx.fact('sigterm');
      return {
        CallExpression(node: import('typescript').CallExpression) {
          if (/\.listen$/.test(node.expression.getText(ctx.sourceFile))) ctx.report({ node, messageId: 'missing', unless: { fact: 'sigterm', scope: 'package' } });
        },
      };
    },
  });
  const engine = createEngine({ rules: [rule] });

  function project(files: Record<string, string>): string {
    const root = tmpDir('project');
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    fs.mkdirSync(path.join(root, '.git'));
    return root;
  }
  const lines = (r: ReturnType<typeof scan>) => r.files.flatMap((f) => f.findings.map((x) => `${f.path}:${x.line}`));

  it('stands when no file of the package provides the fact, and not when one does', () => {
    const root = project({
      'apps/api/package.json': '{ "name": "api", "dependencies": { "@acme/shutdown": "*" } }',
      'apps/api/src/main.ts': 'app.listen(3000);\n',
      'apps/worker/package.json': '{ "name": "worker" }',
      'apps/worker/src/main.ts': 'server.listen(4000);\n',
      'apps/other/package.json': '{ "name": "other" }',
      'apps/other/src/signals.ts': "process.on('SIGTERM', () => process.exit(0));\n",
      'packages/shutdown/package.json': '{ "name": "@acme/shutdown" }',
      'packages/shutdown/src/index.ts': "process.on('SIGTERM', close);\n",
      'apps/worker/src/main.test.ts': "process.on('SIGTERM', close);\n",
    });
    const r = scan(engine, { paths: ['.'], cwd: root });
    // api depends on the workspace package that handles SIGTERM; worker handles it nowhere (tests do not count)
    expect(lines(r)).toEqual(['apps/worker/src/main.ts:1']);
    expect(r.files.every((f) => f.deferred.length === 0)).toBe(true);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads the rest of the project for facts when only one file is linted', () => {
    const root = project({
      'package.json': '{ "name": "app" }',
      'src/server.ts': 'app.listen(3000);\n',
      'src/shutdown.ts': "process.once('SIGTERM', stop);\n",
    });
    expect(lines(scan(engine, { paths: ['src/server.ts'], cwd: root }))).toEqual([]);
    fs.rmSync(path.join(root, 'src/shutdown.ts'));
    expect(lines(scan(engine, { paths: ['src/server.ts'], cwd: root }))).toEqual(['src/server.ts:1']);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps project roots apart, and a finding waiting on several facts stands only when none holds', () => {
    const view = new ProjectView();
    view.update({ path: 'src/sig.ts', absPath: '/repos/a/src/sig.ts', facts: ['sigterm'], pkg: undefined });
    const inB = { path: 'src/main.ts', absPath: '/repos/b/src/main.ts', pkg: undefined };
    const inA = { path: 'src/main.ts', absPath: '/repos/a/src/main.ts', pkg: undefined };
    expect(view.holds({ fact: 'sigterm', scope: 'project' }, inA, [])).toBe(true);
    expect(view.holds({ fact: 'sigterm', scope: 'project' }, inB, [])).toBe(false);
    const finding = { ruleId: 'x' } as never;
    const any = [{ fact: 'nope', scope: 'project' as const }, { fact: 'sigterm', scope: 'project' as const }];
    expect(view.resolve({ ...inA, facts: [], deferred: [{ finding, unless: any }] })).toEqual([]);
    expect(view.resolve({ ...inB, facts: [], deferred: [{ finding, unless: any }] })).toEqual([finding]);
  });

  it('a fix loop with the view sees the file’s own new facts', () => {
    const root = project({ 'package.json': '{}', 'src/server.ts': 'app.listen(3000);\n' });
    const r = scan(engine, { paths: ['.'], cwd: root });
    const f = r.files[0];
    const input = { path: f.path, absPath: f.absPath, text: "app.listen(3000);\nprocess.on('SIGTERM', stop);\n", classification: { kind: 'code' as const, roles: {} as never, production: true }, project: r.project };
    expect(engine.lint(input).findings).toEqual([]);
    expect(engine.lint({ ...input, text: 'app.listen(3000);\n' }).findings.length).toBe(1);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
