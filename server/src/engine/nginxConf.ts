/**
 * nginx configuration as a tree of directives with positions: `name arg … ;` and `name arg … { … }`, quoted
 * arguments ('…', "…" with backslash escapes), `#` comments, `${var}`/`$var` kept as written, `*_by_lua_block`
 * bodies skipped as opaque. Never throws: unbalanced braces and a missing `;` are recorded in `errors` and the
 * tree holds what was read.
 */

export interface NginxArg {
  /** the value with quotes removed */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

export interface NginxDirective {
  readonly name: string;
  readonly args: readonly NginxArg[];
  /** offset of the name */
  readonly start: number;
  /** offset after the `;` or the closing `}` */
  readonly end: number;
  /** 1-based line of the name */
  readonly line: number;
  /** the children of a block directive (`server { … }`), undefined for a simple directive */
  readonly block?: readonly NginxDirective[];
  /** offset of the block's `{` */
  readonly blockStart?: number;
}

export interface NginxConf {
  readonly directives: readonly NginxDirective[];
  readonly errors: readonly { message: string; offset: number }[];
}

interface Token {
  readonly type: 'word' | '{' | '}' | ';';
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
  readonly line: number;
}

function tokenize(text: string, errors: { message: string; offset: number }[]): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      out.push({ type: c, value: c, start: i, end: i + 1, quoted: false, line });
      i++;
      if (c === '{' && luaBlock(out)) {
        // `content_by_lua_block { … }`: Lua code, skipped to its matching brace (Lua strings and comments aside)
        const close = skipLua(text, i);
        for (let k = i; k < close; k++) if (text[k] === '\n') line++;
        i = close;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      const startLine = line;
      let v = '';
      i++;
      let closed = false;
      while (i < n) {
        const d = text[i];
        if (d === '\\' && i + 1 < n) {
          v += text[i + 1] === c ? c : d + text[i + 1];
          i += 2;
          continue;
        }
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        if (d === '\n') line++;
        v += d;
        i++;
      }
      if (!closed) errors.push({ message: `unterminated ${c} quote`, offset: start });
      out.push({ type: 'word', value: v, start, end: i, quoted: true, line: startLine });
      continue;
    }
    // a bare word: up to whitespace, ; { } or a quote; `${var}` braces belong to the word
    const start = i;
    let v = '';
    while (i < n) {
      const d = text[i];
      if (d === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        if (close > 0) {
          v += text.slice(i, close + 1);
          i = close + 1;
          continue;
        }
      }
      if (d === '\\' && i + 1 < n) {
        v += d + text[i + 1];
        i += 2;
        continue;
      }
      if (/[\s;{}]/.test(d) || ((d === '"' || d === "'") && v === '')) break;
      v += d;
      i++;
    }
    out.push({ type: 'word', value: v, start, end: i, quoted: false, line });
  }
  return out;
}

/** Is the `{` just pushed the opening of a `*_by_lua_block` directive? */
function luaBlock(tokens: readonly Token[]): boolean {
  for (let k = tokens.length - 2; k >= 0; k--) {
    const t = tokens[k];
    if (t.type !== 'word') return false;
    const prev = tokens[k - 1];
    if (!prev || prev.type !== 'word') return /_by_lua_block$/.test(t.value);
  }
  return false;
}

/** The offset of the `}` that closes a Lua block whose body starts at `i` (or the end of the text). */
function skipLua(text: string, i: number): number {
  let depth = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '[' && text[i + 1] === '[') {
      const close = text.indexOf(']]', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  return n;
}

export function parseNginx(text: string): NginxConf {
  const errors: { message: string; offset: number }[] = [];
  const tokens = tokenize(text, errors);
  let k = 0;

  const parseBlock = (depth: number): NginxDirective[] => {
    const out: NginxDirective[] = [];
    while (k < tokens.length) {
      const t = tokens[k];
      if (t.type === '}') {
        if (depth === 0) {
          errors.push({ message: 'unexpected "}"', offset: t.start });
          k++;
          continue;
        }
        return out;
      }
      if (t.type === ';' || t.type === '{') {
        errors.push({ message: `unexpected "${t.type}"`, offset: t.start });
        k++;
        if (t.type === '{') {
          parseBlock(depth + 1);
          if (tokens[k]?.type === '}') k++;
        }
        continue;
      }
      const nameTok = t;
      k++;
      const args: NginxArg[] = [];
      while (k < tokens.length && tokens[k].type === 'word') {
        const a = tokens[k++];
        args.push({ value: a.value, start: a.start, end: a.end, quoted: a.quoted });
      }
      const term = tokens[k];
      if (!term) {
        errors.push({ message: `"${nameTok.value}" is not terminated by ";"`, offset: nameTok.start });
        out.push({ name: nameTok.value, args, start: nameTok.start, end: args.length ? args[args.length - 1].end : nameTok.end, line: nameTok.line });
        return out;
      }
      if (term.type === ';') {
        k++;
        out.push({ name: nameTok.value, args, start: nameTok.start, end: term.end, line: nameTok.line });
        continue;
      }
      if (term.type === '{') {
        k++;
        const children = parseBlock(depth + 1);
        const close = tokens[k];
        let end = close?.end ?? text.length;
        if (close?.type === '}') k++;
        else {
          errors.push({ message: `block "${nameTok.value}" is not closed`, offset: nameTok.start });
          end = text.length;
        }
        out.push({ name: nameTok.value, args, start: nameTok.start, end, line: nameTok.line, block: children, blockStart: term.start });
        continue;
      }
      // '}' right after the arguments: a missing ';'
      errors.push({ message: `"${nameTok.value}" is not terminated by ";"`, offset: nameTok.start });
      out.push({ name: nameTok.value, args, start: nameTok.start, end: args.length ? args[args.length - 1].end : nameTok.end, line: nameTok.line });
    }
    if (depth > 0) return out;
    return out;
  };

  const directives = parseBlock(0);
  return { directives, errors };
}

/** Every directive of the tree, depth first, with its ancestors (outermost first). */
export function* nginxDirectives(list: readonly NginxDirective[], ancestors: readonly NginxDirective[] = []): Generator<{ directive: NginxDirective; ancestors: readonly NginxDirective[] }> {
  for (const d of list) {
    yield { directive: d, ancestors };
    if (d.block) yield* nginxDirectives(d.block, [...ancestors, d]);
  }
}
