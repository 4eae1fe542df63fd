/** The extension manifest, the config schema and the packaged file list. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index';
import { activationEvents, configSchema } from '../scripts/manifestGen';

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('activation events come from the file-kind table (npm run manifest)', () => {
    expect(pkg.activationEvents).toEqual(activationEvents());
    expect(pkg.activationEvents).toContain('workspaceContains:**/docker-compose*.{yml,yaml}');
  });

  it('declares itself safe for untrusted workspaces and honest about virtual ones', () => {
    expect(pkg.capabilities.untrustedWorkspaces).toEqual({ supported: true });
    expect(pkg.capabilities.virtualWorkspaces.supported).toBe(false);
  });

  it('every contributed command is registered by the extension, and settings are editor behaviour only', () => {
    const src = fs.readFileSync(path.join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');
    for (const c of pkg.contributes.commands) expect(src, c.command).toContain(`'${c.command}'`);
    expect(Object.keys(pkg.contributes.configuration.properties).sort()).toEqual(['prodready.baseline', 'prodready.enable', 'prodready.run', 'prodready.scope', 'prodready.trace.server']);
  });

  it('contributes a dotenv language with a grammar that parses', () => {
    expect(pkg.contributes.languages.find((l: { id: string }) => l.id === 'dotenv')).toBeDefined();
    const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes', 'dotenv.tmLanguage.json'), 'utf8'));
    expect(grammar.scopeName).toBe('source.dotenv');
    for (const p of grammar.patterns) if (p.match) expect(() => new RegExp(p.match)).not.toThrow();
  });
});

describe('config schema', () => {
  const file = path.join(ROOT, 'schemas', 'prodready.schema.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));

  it('is generated from rule metadata (npm run manifest)', () => {
    expect(schema).toEqual(JSON.parse(JSON.stringify(configSchema(rules))));
    expect(pkg.contributes.jsonValidation).toEqual([{ fileMatch: '.prodready.json', url: './schemas/prodready.schema.json' }]);
  });

  it('accepts valid configs and rejects unknown rules, severities and options', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ rules: { 'exposed-port': ['error', { internalImages: ['a'] }], 'missing-timeout': 'off' }, exclude: ['x/**'] })).toBe(true);
    expect(validate({ rules: { 'exposed-ports': 'error' } })).toBe(false);
    expect(validate({ rules: { 'exposed-port': 'warn' } })).toBe(false);
    expect(validate({ rules: { 'exposed-port': ['error', { images: [] }] } })).toBe(false);
    expect(validate({ rule: {} })).toBe(false);
  });
});

describe('packaging', () => {
  it('the .vsix ships only the bundles, grammars, schema, rule docs, README, CHANGELOG and LICENSE', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    const allowed = /^(dist\/(extension|server)\.js|syntaxes\/.+|schemas\/.+|rules\/[a-z0-9-]+\/README\.md|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of ['dist/extension.js', 'dist/server.js', 'schemas/prodready.schema.json', 'syntaxes/dotenv.tmLanguage.json', 'LICENSE', 'README.md']) expect(files).toContain(must);
    for (const r2 of rules) expect(files).toContain(`rules/${r2.id}/README.md`);
  });
});
