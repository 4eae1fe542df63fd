/**
 * SQL migrations as statements of tokens with positions (PostgreSQL's lexical rules, which also read MySQL and
 * SQLite migrations well enough for the rules): `--` and nested `/* *\/` comments, '…' strings with '' and E'…'
 * escapes, "quoted identifiers", $tag$ dollar-quoted bodies (functions, DO blocks) kept as one token, and
 * statements split on top-level `;`. Never throws.
 */

export type SqlTokenType = 'word' | 'ident' | 'string' | 'number' | 'dollar' | 'punct';

export interface SqlToken {
  readonly type: SqlTokenType;
  /** words: as written; ident: the name without quotes; strings: the contents */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface SqlStatement {
  readonly tokens: readonly SqlToken[];
  /** from the first token to the `;` (or the last token) */
  readonly start: number;
  readonly end: number;
  /** 1-based line of the first token */
  readonly line: number;
  /** upper-cased words (and identifiers, as written) joined by one space: `CREATE TABLE IF NOT EXISTS public.users (` */
  readonly head: string;
}

export interface SqlFile {
  readonly statements: readonly SqlStatement[];
  readonly errors: readonly { message: string; offset: number }[];
}

export function parseSql(text: string): SqlFile {
  const errors: { message: string; offset: number }[] = [];
  const statements: SqlStatement[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let cur: SqlToken[] = [];
  const lineStarts: number[] = [0];
  for (let k = 0; k < n; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const lineOf = (off: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const flush = (end: number): void => {
    if (!cur.length) return;
    statements.push({ tokens: cur, start: cur[0].start, end, line: lineOf(cur[0].start), head: headOf(cur) });
    cur = [];
  };

  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = i;
      let depth = 0;
      while (i < n) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth > 0) errors.push({ message: 'unterminated /* comment', offset: start });
      continue;
    }
    if (c === ';') {
      flush(i + 1);
      i++;
      continue;
    }
    const start = i;
    // E'…' / e'…' (escape strings), N'…', B'…', X'…'
    // (i is at a token boundary: a letter inside a word was consumed with its word)
    if (c === "'" || (/[eEnNbBxX]/.test(c) && text[i + 1] === "'")) {
      const escapes = c === 'e' || c === 'E';
      i += c === "'" ? 1 : 2;
      let v = '';
      let closed = false;
      while (i < n) {
        const d = text[i];
        if (escapes && d === '\\' && i + 1 < n) {
          v += text[i + 1];
          i += 2;
          continue;
        }
        if (d === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        v += d;
        i++;
      }
      if (!closed) errors.push({ message: 'unterminated string', offset: start });
      cur.push({ type: 'string', value: v, start, end: i });
      continue;
    }
    if (c === '"' || c === '`') {
      i++;
      let v = '';
      let closed = false;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) {
            v += c;
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        v += text[i++];
      }
      if (!closed) errors.push({ message: `unterminated ${c} identifier`, offset: start });
      cur.push({ type: 'ident', value: v, start, end: i });
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? n : close + tag[0].length;
        if (close < 0) errors.push({ message: `unterminated ${tag[0]} body`, offset: start });
        cur.push({ type: 'dollar', value: text.slice(i + tag[0].length, close < 0 ? n : close), start, end });
        i = end;
        continue;
      }
      // $1 parameters
      let j = i + 1;
      while (j < n && /[0-9]/.test(text[j])) j++;
      cur.push({ type: 'punct', value: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[j])) j++;
      cur.push({ type: 'word', value: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9.eE]/.test(text[j])) j++;
      cur.push({ type: 'number', value: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    cur.push({ type: 'punct', value: c, start, end: i + 1 });
    i++;
  }
  flush(cur.length ? cur[cur.length - 1].end : n);
  return { statements, errors };
}

function headOf(tokens: readonly SqlToken[]): string {
  const out: string[] = [];
  for (const t of tokens.slice(0, 12)) {
    if (t.type === 'word') out.push(t.value.toUpperCase());
    else if (t.type === 'ident') out.push(t.value);
    else if (t.type === 'punct') out.push(t.value);
    else break;
  }
  return out.join(' ');
}

/**
 * A (possibly schema-qualified) name starting at token `k`: `public.users`, `"public"."Users"`, `users`.
 * Unquoted parts are lower-cased (PostgreSQL folds them); quoted ones are kept. Returns the parts and the
 * index after the name.
 */
export function qualifiedName(tokens: readonly SqlToken[], k: number): { schema: string | undefined; name: string; next: number; start: number; end: number } | undefined {
  const part = (t: SqlToken | undefined): string | undefined => (!t ? undefined : t.type === 'ident' ? t.value : t.type === 'word' ? t.value.toLowerCase() : undefined);
  const first = part(tokens[k]);
  if (first === undefined) return undefined;
  if (tokens[k + 1]?.type === 'punct' && tokens[k + 1].value === '.' && part(tokens[k + 2]) !== undefined) {
    return { schema: first, name: part(tokens[k + 2])!, next: k + 3, start: tokens[k].start, end: tokens[k + 2].end };
  }
  return { schema: undefined, name: first, next: k + 1, start: tokens[k].start, end: tokens[k].end };
}
