/**
 * dotenv files as data with positions: `KEY=value`, `export KEY=value`, `KEY = "quoted"`, single, double and
 * backtick quotes (double-quoted values may span lines, as dotenv ≥ 15 reads them), inline `# comments` after
 * unquoted values, blank lines and comment lines. Never throws: a line it cannot read is recorded in `errors`
 * and skipped.
 */

export interface DotenvEntry {
  readonly key: string;
  /** the value as dotenv reads it: quotes removed, `\n` escapes kept as written */
  readonly value: string;
  /** offsets of the key */
  readonly keyStart: number;
  readonly keyEnd: number;
  /** offsets of the value as written (quotes included); equal when the value is empty */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** the quote character, or '' for an unquoted value */
  readonly quote: '' | '"' | "'" | '`';
  /** 1-based line of the key */
  readonly line: number;
  /** written with a leading `export ` */
  readonly exported: boolean;
}

export interface DotenvFile {
  readonly entries: readonly DotenvEntry[];
  readonly errors: readonly { message: string; offset: number }[];
  /** the last entry for a key (dotenv keeps the first; most loaders the last): both are in `entries` */
  get(key: string): DotenvEntry | undefined;
}

export function parseDotenv(text: string): DotenvFile {
  const entries: DotenvEntry[] = [];
  const errors: { message: string; offset: number }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  i = bom;
  while (i < n) {
    const lineStart = i;
    let eol = text.indexOf('\n', i);
    if (eol < 0) eol = n;
    const raw = text.slice(i, eol).replace(/\r$/, '');
    const lead = /^[ \t]*/.exec(raw)![0].length;
    const body = raw.slice(lead);
    if (body === '' || body.startsWith('#')) {
      i = eol + 1;
      line++;
      continue;
    }
    let p = lineStart + lead;
    let exported = false;
    const exp = /^export[ \t]+/.exec(body);
    if (exp) {
      exported = true;
      p += exp[0].length;
    }
    const head = /^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=|:(?=[ \t]|$))/.exec(text.slice(p, eol));
    if (!head) {
      errors.push({ message: `expected KEY=value: ${body.slice(0, 40)}`, offset: lineStart + lead });
      i = eol + 1;
      line++;
      continue;
    }
    const keyText = head[1];
    const sep = p + head[0].length - 1;
    const keyStart = p;
    const keyEnd = p + keyText.length;
    let v = sep + 1;
    while (v < eol && (text[v] === ' ' || text[v] === '\t')) v++;
    const q = text[v];
    let value: string;
    let valueStart = v;
    let valueEnd: number;
    let quote: DotenvEntry['quote'] = '';
    let next = eol + 1;
    const entryLine = line;
    if (q === '"' || q === "'" || q === '`') {
      quote = q;
      // find the closing quote (double quotes and backticks may span lines; a backslash escapes in "…")
      let j = v + 1;
      let close = -1;
      while (j < n) {
        const c = text[j];
        if (c === '\\' && q === '"') {
          j += 2;
          continue;
        }
        if (c === q) {
          close = j;
          break;
        }
        if (c === '\n' && q === "'") break;
        j++;
      }
      if (close < 0) {
        // unterminated: dotenv takes the rest of the line as written
        errors.push({ message: `unterminated ${q} quote`, offset: v });
        valueEnd = eol > v && text[eol - 1] === '\r' ? eol - 1 : eol;
        value = text.slice(v + 1, valueEnd);
      } else {
        valueEnd = close + 1;
        value = text.slice(v + 1, close);
        // lines consumed by a multi-line value
        for (let k = v; k < close; k++) if (text[k] === '\n') line++;
        const after = text.indexOf('\n', close);
        next = after < 0 ? n : after + 1;
      }
    } else {
      // unquoted: up to an inline comment (` #`) or the end of the line, trailing blanks trimmed
      let end = eol;
      if (text[end - 1] === '\r') end--;
      const hash = text.slice(v, end).search(/(^|[ \t])#/);
      if (hash >= 0) end = v + hash;
      while (end > v && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
      valueStart = v;
      valueEnd = end;
      value = text.slice(v, end);
    }
    entries.push({ key: keyText, value, keyStart, keyEnd, valueStart, valueEnd, quote, line: entryLine, exported });
    i = next;
    line++;
  }
  const last = new Map<string, DotenvEntry>();
  for (const e of entries) last.set(e.key, e);
  return { entries, errors, get: (k) => last.get(k) };
}
