import type { CommentSyntax } from '../shared/fileKinds';
import type { LineIndex } from './text';

export type DirectiveKind = 'next-line' | 'line' | 'file';

export interface Directive {
  readonly kind: DirectiveKind;
  /** rule ids named; empty means every rule */
  readonly ruleIds: readonly string[];
  readonly reason: string;
  /** the line the directive is written on (1-based) */
  readonly line: number;
  /** the line it applies to (for `file`, 0) */
  readonly target: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** ids that suppressed at least one finding */
  readonly used: Set<string>;
}

const COMMENT_OPENERS: Record<CommentSyntax, RegExp> = {
  js: /(?:\/\/|\/\*|^\s*\*|\{\s*\/\*)\s*$/,
  hash: /#\s*$/,
  sql: /(?:--|\/\*)\s*$/,
};

const DIRECTIVE = /prodready-disable(?:-(next-line|line|file))?\b([^\n\r]*)/g;

/**
 * Find suppression directives in the kind's comment syntax:
 * `prodready-disable-next-line <id>[, <id>] -- <reason>`, `prodready-disable-line …`, `prodready-disable-file …`.
 */
export function parseDirectives(text: string, lines: LineIndex, syntax: CommentSyntax): Directive[] {
  if (!text.includes('prodready-disable')) return [];
  const out: Directive[] = [];
  DIRECTIVE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DIRECTIVE.exec(text))) {
    const start = m.index;
    const line = lines.lineOf(start);
    const before = text.slice(lines.lineStart(line), start);
    if (!COMMENT_OPENERS[syntax].test(before)) continue;
    const kind = (m[1] as DirectiveKind | undefined) ?? 'file';
    let rest = m[2];
    // end of a block comment closes the directive
    const close = rest.indexOf('*/');
    if (close >= 0) rest = rest.slice(0, close);
    if (syntax === 'js') rest = rest.replace(/\}\s*$/, '');
    let reason = '';
    const sep = rest.search(/\s--(\s|$)/);
    let idsPart = rest;
    if (sep >= 0) {
      reason = rest.slice(sep + 3).trim();
      idsPart = rest.slice(0, sep);
    } else if (/^\s*--(\s|$)/.test(rest)) {
      reason = rest.replace(/^\s*--/, '').trim();
      idsPart = '';
    }
    const ruleIds = idsPart
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const target = kind === 'next-line' ? line + 1 : kind === 'line' ? line : 0;
    out.push({
      kind,
      ruleIds,
      reason,
      line,
      target,
      start,
      end: start + m[0].length - (m[2].length - rest.length),
      text: m[0].slice(0, m[0].length - (m[2].length - rest.length)).trim(),
      used: new Set(),
    });
  }
  return out;
}

/** The directive that suppresses a finding of `ruleId` on `line`, if any (marks it used). */
export function matchDirective(directives: readonly Directive[], ruleId: string, line: number): Directive | undefined {
  for (const d of directives) {
    if (d.kind !== 'file' && d.target !== line) continue;
    if (d.ruleIds.length && !d.ruleIds.includes(ruleId)) continue;
    d.used.add(ruleId);
    return d;
  }
  return undefined;
}
