/**
 * redis.conf as a list of directives with positions: one `name arg …` per line, `#` comment lines, arguments
 * quoted with "…" (backslash escapes) or '…'. Names are case-insensitive (kept lower-cased). Never throws.
 */

export interface RedisArg {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface RedisDirective {
  /** lower-cased */
  readonly name: string;
  readonly args: readonly RedisArg[];
  readonly start: number;
  /** end of the last argument */
  readonly end: number;
  /** 1-based */
  readonly line: number;
}

export interface RedisConf {
  readonly directives: readonly RedisDirective[];
  readonly errors: readonly { message: string; offset: number }[];
  /** the last directive of that name (redis applies the last one) */
  last(name: string): RedisDirective | undefined;
  all(name: string): RedisDirective[];
}

export function parseRedisConf(text: string): RedisConf {
  const directives: RedisDirective[] = [];
  const errors: { message: string; offset: number }[] = [];
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  for (const raw of text.slice(offset).split('\n')) {
    lineNo++;
    const lineStart = offset;
    offset += raw.length + 1;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const words: RedisArg[] = [];
    let i = 0;
    const n = lineText.length;
    while (i < n) {
      const c = lineText[i];
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      if (c === '#' && words.length === 0) break;
      const start = i;
      let v = '';
      if (c === '"' || c === "'") {
        i++;
        let closed = false;
        while (i < n) {
          const d = lineText[i];
          if (d === '\\' && c === '"' && i + 1 < n) {
            const e = lineText[i + 1];
            v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
            i += 2;
            continue;
          }
          if (d === c) {
            closed = true;
            i++;
            break;
          }
          v += d;
          i++;
        }
        if (!closed) errors.push({ message: `unterminated ${c} quote`, offset: lineStart + start });
      } else {
        while (i < n && lineText[i] !== ' ' && lineText[i] !== '\t') v += lineText[i++];
      }
      words.push({ value: v, start: lineStart + start, end: lineStart + i });
    }
    if (!words.length) continue;
    const [name, ...args] = words;
    directives.push({ name: name.value.toLowerCase(), args, start: name.start, end: (args[args.length - 1] ?? name).end, line: lineNo });
  }
  return {
    directives,
    errors,
    last: (name) => {
      for (let k = directives.length - 1; k >= 0; k--) if (directives[k].name === name) return directives[k];
      return undefined;
    },
    all: (name) => directives.filter((d) => d.name === name),
  };
}
