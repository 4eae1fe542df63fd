/**
 * Dockerfiles as data with positions: parser directives (`# escape=`), comments, line continuations with the
 * escape character, heredocs (`RUN <<EOF … EOF`), instructions with their arguments in shell or JSON (exec)
 * form, and build stages (`FROM image[:tag] [AS name]`, global `ARG`s substituted into `FROM`). Never throws.
 */

export interface DockerInstruction {
  /** upper-cased keyword: FROM, RUN, USER, HEALTHCHECK, CMD… */
  readonly keyword: string;
  /** the arguments with continuations joined (escape + newline removed), comments inside continuations dropped */
  readonly args: string;
  /** the exec (JSON) form's strings, when the arguments are a JSON array */
  readonly json?: readonly string[];
  /** offsets of the whole instruction (keyword to last argument character, heredoc bodies included) */
  readonly start: number;
  readonly end: number;
  /** offset where the arguments start in the text */
  readonly argsStart: number;
  /** 1-based line of the keyword */
  readonly line: number;
}

export interface DockerStage {
  readonly from: DockerInstruction;
  /** the image as written, with global ARGs substituted when they have defaults: `node:20-alpine` */
  readonly image: string;
  /** `AS name` */
  readonly name: string | undefined;
  /** the instructions of the stage after its FROM */
  readonly instructions: readonly DockerInstruction[];
}

export interface Dockerfile {
  readonly instructions: readonly DockerInstruction[];
  readonly stages: readonly DockerStage[];
  /** the escape character (`\` unless a `# escape=` directive says otherwise) */
  readonly escape: string;
  readonly errors: readonly { message: string; offset: number }[];
}

export function parseDockerfile(text: string): Dockerfile {
  const errors: { message: string; offset: number }[] = [];
  let escape = '\\';
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  // Parser directives: `# key=value` lines at the very top, before any other comment or instruction.
  for (;;) {
    const m = /^#[ \t]*([a-zA-Z]+)[ \t]*=[ \t]*(\S+)[ \t]*\r?(\n|$)/.exec(text.slice(i, i + 200));
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
    i += m[0].length;
    line++;
  }

  const instructions: DockerInstruction[] = [];
  while (i < n) {
    // skip blank lines and comment lines
    const lineEnd = indexOrEnd(text, '\n', i);
    const rawLine = text.slice(i, lineEnd);
    const trimmed = rawLine.trimStart();
    if (trimmed === '' || trimmed === '\r' || trimmed.startsWith('#')) {
      i = lineEnd + 1;
      line++;
      continue;
    }
    const start = i + (rawLine.length - trimmed.length);
    const kw = /^[A-Za-z]+/.exec(trimmed);
    if (!kw) {
      errors.push({ message: `unexpected text: ${trimmed.slice(0, 40)}`, offset: start });
      i = lineEnd + 1;
      line++;
      continue;
    }
    const keyword = kw[0].toUpperCase();
    const startLine = line;
    let p = start + kw[0].length;
    while (p < n && (text[p] === ' ' || text[p] === '\t')) p++;
    const argsStart = p;
    // collect the logical line: physical lines joined while one ends with the escape character
    const parts: string[] = [];
    let end = p;
    for (;;) {
      const le = indexOrEnd(text, '\n', p);
      let seg = text.slice(p, le);
      if (seg.endsWith('\r')) seg = seg.slice(0, -1);
      const cont = continues(seg, escape);
      if (cont) {
        parts.push(seg.replace(/[ \t]*$/, '').slice(0, -1));
        end = p + seg.length;
        if (le >= n) {
          p = n;
          break;
        }
        p = le + 1;
        line++;
        // comment lines and blank lines inside a continuation are skipped
        for (;;) {
          const ne = indexOrEnd(text, '\n', p);
          const t = text.slice(p, ne).trim();
          if ((t.startsWith('#') || t === '') && ne < n) {
            p = ne + 1;
            line++;
            continue;
          }
          break;
        }
        continue;
      }
      parts.push(seg);
      end = p + seg.replace(/[ \t]+$/, '').length;
      p = le + 1;
      break;
    }
    let args = parts.join('').trim();
    // heredocs: `<<EOF`, `<<-EOF`, `<<"EOF"`: the body lines up to the terminator belong to the instruction
    const heredocs = [...args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)].map((m) => ({ dash: m[1] === '-', word: m[3] }));
    if (heredocs.length && /^(RUN|COPY|ADD)$/.test(keyword)) {
      for (const h of heredocs) {
        let found = false;
        while (p < n) {
          const le = indexOrEnd(text, '\n', p);
          const l = text.slice(p, le).replace(/\r$/, '');
          end = p + l.length;
          p = le + 1;
          line++;
          if ((h.dash ? l.replace(/^\t+/, '') : l) === h.word) {
            found = true;
            break;
          }
          args += '\n' + l;
        }
        if (!found) errors.push({ message: `heredoc ${h.word} is not terminated`, offset: start });
      }
    }
    let json: string[] | undefined;
    if (args.startsWith('[')) {
      try {
        const v = JSON.parse(args) as unknown;
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) json = v as string[];
      } catch {
        /* shell form that starts with "[" */
      }
    }
    instructions.push({ keyword, args, ...(json ? { json } : {}), start, end, argsStart, line: startLine });
    i = p;
    line++;
  }

  // Stages, with global ARG defaults substituted into FROM lines.
  const globalArgs = new Map<string, string>();
  const stages: { from: DockerInstruction; image: string; name: string | undefined; instructions: DockerInstruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && !stages.length) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args.trim());
      if (m && m[2] !== undefined) globalArgs.set(m[1], unquote(m[2].trim()));
      continue;
    }
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = substitute(words[0] ?? '', globalArgs);
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({ from: ins, image, name: asAt > 0 ? words[asAt + 1] : undefined, instructions: [] });
      continue;
    }
    if (stages.length) stages[stages.length - 1].instructions.push(ins);
  }
  return { instructions, stages, escape, errors };
}

function indexOrEnd(text: string, ch: string, from: number): number {
  const k = text.indexOf(ch, from);
  return k < 0 ? text.length : k;
}

/** Does the physical line end with the escape character (a continuation, as BuildKit reads it)? */
function continues(seg: string, escape: string): boolean {
  return seg.replace(/[ \t]+$/, '').endsWith(escape);
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** `${VAR}`, `${VAR:-default}` and `$VAR` in a FROM line, from the global ARGs. */
function substitute(s: string, vars: ReadonlyMap<string, string>): string {
  return s
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => vars.get(name) ?? dflt ?? '')
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => vars.get(name) ?? '');
}
