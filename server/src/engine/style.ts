/** What a fix needs to know to write code the way the file already does. */
export interface Style {
  /** the quote character string literals mostly use */
  readonly quote: "'" | '"';
  /** whether statements end with semicolons */
  readonly semicolons: boolean;
  /** one level of indentation, e.g. '  ' or '\t' */
  readonly indent: string;
  /** the file's line ending */
  readonly eol: '\n' | '\r\n';
  /** leading whitespace of the line containing an offset */
  indentAt(offset: number): string;
  /** a string literal in the file's quote style */
  str(value: string): string;
}

export function detectStyle(text: string): Style {
  const crlf = text.indexOf('\r\n');
  const lf = text.indexOf('\n');
  const eol: '\n' | '\r\n' = crlf >= 0 && crlf + 1 === lf ? '\r\n' : '\n';

  // Quotes: count quote characters that open string-like tokens at the start of a value position.
  let single = 0;
  let double = 0;
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  const re = /(?:^|[\s(\[{,:=+?!&|])(['"])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sample))) {
    if (m[1] === "'") single++;
    else double++;
  }
  const quote = double > single ? '"' : "'";

  // Semicolons: statement-looking lines ending with ';' against those ending with a bare token.
  let withSemi = 0;
  let withoutSemi = 0;
  const lines = sample.split(/\r?\n/);
  let indent = '';
  const indentCounts = new Map<string, number>();
  let prevIndent = 0;
  for (const raw of lines) {
    const line = raw.trimEnd();
    const t = line.trim();
    if (!t || t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) continue;
    if (/^(import|export|const|let|var|return|throw)\b/.test(t) || /\)$|;$/.test(t)) {
      if (t.endsWith(';')) withSemi++;
      else if (/[\w)\]'"`]$/.test(t) && !/^(if|for|while|else|switch|try|catch|function|class)\b/.test(t)) withoutSemi++;
    }
    const lead = /^[ \t]*/.exec(line)![0];
    if (lead.startsWith('\t')) {
      indentCounts.set('\t', (indentCounts.get('\t') ?? 0) + 1);
    } else {
      const diff = lead.length - prevIndent;
      if (diff === 2 || diff === 4) indentCounts.set(' '.repeat(diff), (indentCounts.get(' '.repeat(diff)) ?? 0) + 1);
      prevIndent = lead.length;
    }
  }
  let best = 0;
  for (const [k, v] of indentCounts) {
    if (v > best) {
      best = v;
      indent = k;
    }
  }
  if (!indent) indent = '  ';
  const semicolons = withSemi >= withoutSemi;
  return {
    quote,
    semicolons,
    indent,
    eol,
    indentAt(offset: number): string {
      let s = offset;
      while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
      let e = s;
      while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
      return text.slice(s, e);
    },
    str(value: string): string {
      const escaped = value.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
      return `${quote}${escaped}${quote}`;
    },
  };
}
