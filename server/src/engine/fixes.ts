import type { Finding, Fix, TextEdit } from './types';

function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Apply non-overlapping edits to a text. Throws on overlapping edits (a rule bug). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) {
      throw new Error(`overlapping or out-of-range edit at ${e.start}-${e.end}`);
    }
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

function fixSpan(fix: Fix): [number, number] {
  let s = Infinity;
  let e = -Infinity;
  for (const ed of fix.edits) {
    s = Math.min(s, ed.start);
    e = Math.max(e, ed.end);
  }
  return [s, e];
}

/**
 * One pass: apply the fixes of the given findings that do not overlap an earlier one (in text order).
 * Returns the new text and the findings whose fix was applied. Later passes (see fixUntilStable) pick up
 * what overlapped.
 */
export function applyFixes(text: string, findings: readonly Finding[]): { text: string; applied: Finding[] } {
  const withFix = findings
    .filter((f) => f.fix && !f.suppressed && f.fix.edits.length)
    .map((f) => ({ f, span: fixSpan(f.fix!) }))
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  const chosen: typeof withFix = [];
  let lastEnd = -1;
  for (const c of withFix) {
    // Two insertions at the same point, or touching edits, are treated as overlapping: safer in one more pass.
    if (c.span[0] <= lastEnd && lastEnd >= 0) continue;
    chosen.push(c);
    lastEnd = c.span[1];
  }
  if (!chosen.length) return { text, applied: [] };
  const edits = chosen.flatMap((c) => c.f.fix!.edits);
  return { text: applyEdits(text, edits), applied: chosen.map((c) => c.f) };
}

/**
 * ESLint's loop: lint, apply what does not overlap, lint again, until nothing changes (at most `maxPasses`).
 * `lint` must return the findings for a text (only those the caller wants fixed).
 */
export function fixUntilStable(
  text: string,
  lint: (text: string) => readonly Finding[],
  maxPasses = 10,
): { text: string; fixed: number; passes: number } {
  let current = text;
  let fixed = 0;
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    const findings = lint(current);
    const { text: next, applied } = applyFixes(current, findings);
    if (!applied.length || next === current) break;
    fixed += applied.length;
    current = next;
  }
  return { text: current, fixed, passes };
}
