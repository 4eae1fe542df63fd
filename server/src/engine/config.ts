import { parseTree, findNodeAtLocation, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { Minimatch } from 'minimatch';
import type { OptionSpec, Rule, RuleOptions, Severity, SeveritySetting } from './types';

export const CONFIG_FILE = '.prodready.json';

export interface RuleSetting {
  readonly severity: SeveritySetting;
  readonly options: RuleOptions;
}

export interface ResolvedConfig {
  /** absolute path of the config file, when there is one */
  readonly path?: string;
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly include?: readonly Minimatch[];
  readonly exclude: readonly Minimatch[];
}

/** A config problem: `key` is the JSON path (`rules.open-cors`), `offset`/`length` where it is in the file. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly key: string,
    readonly offset = 0,
    readonly length = 0,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'ConfigError';
  }
}

const TOP_KEYS = ['$schema', 'rules', 'include', 'exclude'] as const;
const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  // An abbreviation or an extension of a valid value ("warn" → "warning", "exposed-ports" → "exposed-port").
  const prefix = candidates.find((c) => w.length >= 3 && (c.toLowerCase().startsWith(w) || w.startsWith(c.toLowerCase())));
  if (prefix) return prefix;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c ? ` Did you mean "${c}"?` : '';
}

function describeType(spec: OptionSpec): string {
  return spec.type === 'string[]' ? 'an array of strings' : `a ${spec.type}`;
}

function nodeValue(n: JsonNode): unknown {
  if (n.type === 'array') return (n.children ?? []).map(nodeValue);
  if (n.type === 'object') {
    const o: Record<string, unknown> = {};
    for (const p of n.children ?? []) if (p.children?.[0]) o[p.children[0].value] = p.children[1] ? nodeValue(p.children[1]) : undefined;
    return o;
  }
  return n.value;
}

export function defaultOptions(rule: Rule): RuleOptions {
  const o: Record<string, RuleOptions[string]> = {};
  for (const [k, spec] of Object.entries(rule.options ?? {})) o[k] = spec.default;
  return o;
}

/** The configuration used when there is no config file: every rule at its default severity. */
export function defaultConfig(rules: readonly Rule[]): ResolvedConfig {
  const map = new Map<string, RuleSetting>();
  for (const r of rules) map.set(r.id, { severity: r.severity, options: defaultOptions(r) });
  return { rules: map, exclude: [] };
}

/**
 * Parse and validate a `.prodready.json` text (JSON with comments and trailing commas).
 * Throws ConfigError naming the key, the allowed values and the closest valid one.
 */
export function parseConfig(text: string, rules: readonly Rule[], file?: string): ResolvedConfig {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !root) {
    const e = errors[0];
    throw new ConfigError(
      `invalid JSON: ${e ? printParseErrorCode(e.error) : 'empty file'}.`,
      file,
      '',
      e?.offset ?? 0,
      e?.length ?? 0,
    );
  }
  if (root.type !== 'object') throw new ConfigError('the config must be a JSON object.', file, '', root.offset, root.length);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const ids = rules.map((r) => r.id);
  const settings = new Map<string, RuleSetting>();
  for (const r of rules) settings.set(r.id, { severity: r.severity, options: defaultOptions(r) });
  let include: Minimatch[] | undefined;
  let exclude: Minimatch[] = [];

  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    const key = String(keyNode.value);
    if (!(TOP_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `unknown key "${key}". Allowed keys: ${TOP_KEYS.join(', ')}.${didYouMean(key, TOP_KEYS)}`,
        file,
        key,
        keyNode.offset,
        keyNode.length,
      );
    }
    if (key === '$schema') continue;
    if (key === 'include' || key === 'exclude') {
      const v = valueNode ? nodeValue(valueNode) : undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        throw new ConfigError(`"${key}" must be an array of glob strings.`, file, key, valueNode?.offset ?? keyNode.offset, valueNode?.length ?? 0);
      }
      const globs = (v as string[]).map((g) => new Minimatch(g.replace(/^\.\//, ''), { dot: true, matchBase: !g.includes('/') }));
      if (key === 'include') include = globs;
      else exclude = globs;
      continue;
    }
    // rules
    if (!valueNode || valueNode.type !== 'object') {
      throw new ConfigError('"rules" must be an object mapping rule ids to a severity.', file, 'rules', valueNode?.offset ?? keyNode.offset, valueNode?.length ?? 0);
    }
    for (const rp of valueNode.children ?? []) {
      const [idNode, setNode] = rp.children ?? [];
      const id = String(idNode.value);
      const rule = byId.get(id);
      if (!rule) {
        throw new ConfigError(`unknown rule "${id}" in "rules".${didYouMean(id, ids)} Run \`prodready rules\` for the list.`, file, `rules.${id}`, idNode.offset, idNode.length);
      }
      const v = setNode ? nodeValue(setNode) : undefined;
      let severity: unknown = v;
      let opts: unknown;
      if (Array.isArray(v)) {
        severity = v[0];
        opts = v[1];
        if (v.length > 2) {
          throw new ConfigError(`"rules.${id}" takes [severity, options]; got ${v.length} items.`, file, `rules.${id}`, setNode!.offset, setNode!.length);
        }
      }
      if (typeof severity !== 'string' || !(SEVERITY_SETTINGS as readonly string[]).includes(severity)) {
        const at = Array.isArray(v) ? setNode!.children![0] : setNode!;
        throw new ConfigError(
          `invalid severity ${JSON.stringify(severity)} for "rules.${id}". Allowed values: ${SEVERITY_SETTINGS.join(', ')}.${typeof severity === 'string' ? didYouMean(severity, SEVERITY_SETTINGS) : ''}`,
          file,
          `rules.${id}`,
          at.offset,
          at.length,
        );
      }
      const options = { ...defaultOptions(rule) };
      if (opts !== undefined) {
        const optNode = setNode!.children![1];
        if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
          throw new ConfigError(`options for "rules.${id}" must be an object.`, file, `rules.${id}`, optNode.offset, optNode.length);
        }
        const specs = rule.options ?? {};
        const names = Object.keys(specs);
        for (const [ok, ov] of Object.entries(opts as Record<string, unknown>)) {
          const spec = specs[ok];
          const at = findNodeAtLocation(optNode, [ok]) ?? optNode;
          if (!spec) {
            throw new ConfigError(
              `unknown option "${ok}" for rule "${id}". ${names.length ? `Allowed options: ${names.join(', ')}.` : 'This rule takes no options.'}${didYouMean(ok, names)}`,
              file,
              `rules.${id}.${ok}`,
              at.parent?.children?.[0]?.offset ?? at.offset,
              at.parent?.children?.[0]?.length ?? at.length,
            );
          }
          const okType =
            spec.type === 'string[]'
              ? Array.isArray(ov) && ov.every((x) => typeof x === 'string')
              : typeof ov === spec.type && (spec.type !== 'number' || Number.isFinite(ov as number));
          if (!okType) {
            throw new ConfigError(`option "${ok}" of rule "${id}" must be ${describeType(spec)}.`, file, `rules.${id}.${ok}`, at.offset, at.length);
          }
          if (spec.type === 'number' && spec.minimum !== undefined && (ov as number) < spec.minimum) {
            throw new ConfigError(`option "${ok}" of rule "${id}" must be at least ${spec.minimum}.`, file, `rules.${id}.${ok}`, at.offset, at.length);
          }
          options[ok] = ov as RuleOptions[string];
        }
      }
      settings.set(id, { severity: severity as SeveritySetting, options });
    }
  }
  return { path: file, rules: settings, include, exclude };
}

/** Resolve the effective severity of a rule, or undefined when it is off. */
export function severityOf(config: ResolvedConfig, ruleId: string): Severity | undefined {
  const s = config.rules.get(ruleId)?.severity;
  return s === 'off' || s === undefined ? undefined : s;
}

export function starterConfig(rules: readonly Rule[]): string {
  const lines = [
    '{',
    '  // prodready configuration: https://github.com/prodready/prodready#configuration',
    '  // Severity per rule: "off" | "info" | "warning" | "error", or ["<severity>", { options }].',
    '  "rules": {',
  ];
  rules.forEach((r, i) => {
    const opts = Object.keys(r.options ?? {}).length ? `, // options: ${Object.keys(r.options!).join(', ')}` : '';
    lines.push(`    "${r.id}": "${r.severity}"${i < rules.length - 1 ? ',' : ''}${opts.replace(/^,/, '')}`);
  });
  lines.push('  },');
  lines.push('  // Globs relative to this file. Tests, fixtures, templates and docs are skipped without being listed.');
  lines.push('  "exclude": []');
  lines.push('}');
  return lines.join('\n') + '\n';
}
