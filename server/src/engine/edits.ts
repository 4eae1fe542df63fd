import ts from 'typescript';
import type { Style } from './style';
import type { LineIndex } from './text';
import type { TextEdit } from './types';

/**
 * Edits that add a property to an object literal in the file's own layout: on the same line for a
 * one-line object (`{ a: 1 }` → `{ a: 1, b: 2 }`), on its own line with the properties' indentation for a
 * multi-line one, keeping the trailing-comma habit of the object.
 */
export function insertProperty(
  sf: ts.SourceFile,
  lines: LineIndex,
  style: Style,
  obj: ts.ObjectLiteralExpression,
  property: string,
  where: 'first' | 'last' = 'last',
): TextEdit[] {
  const text = sf.text;
  const open = obj.getStart(sf);
  const close = obj.getEnd() - 1;
  const props = obj.properties;
  if (!props.length) {
    const inner = text.slice(open + 1, close);
    if (/\n/.test(inner)) {
      const indent = style.indentAt(open) + style.indent;
      return [{ start: open + 1, end: close, text: `${style.eol}${indent}${property},${style.eol}${style.indentAt(open)}` }];
    }
    return [{ start: open + 1, end: close, text: ` ${property} ` }];
  }
  const first = props[0];
  const last = props[props.length - 1];
  const multiline = lines.lineOf(open) !== lines.lineOf(first.getStart(sf)) || lines.lineOf(close) !== lines.lineOf(last.getEnd());
  if (where === 'first') {
    const at = first.getStart(sf);
    if (multiline) return [{ start: at, end: at, text: `${property},${style.eol}${style.indentAt(at)}` }];
    return [{ start: at, end: at, text: `${property}, ` }];
  }
  const hasTrailingComma = props.hasTrailingComma;
  const lastEnd = last.getEnd();
  if (multiline) {
    const indent = style.indentAt(last.getStart(sf));
    const afterLast = hasTrailingComma ? text.indexOf(',', lastEnd) + 1 : lastEnd;
    return [{ start: afterLast, end: afterLast, text: `${hasTrailingComma ? '' : ','}${style.eol}${indent}${property}${hasTrailingComma ? ',' : ''}` }];
  }
  if (hasTrailingComma) {
    const comma = text.indexOf(',', lastEnd);
    return [{ start: comma + 1, end: comma + 1, text: ` ${property},` }];
  }
  return [{ start: lastEnd, end: lastEnd, text: `, ${property}` }];
}

/** Edits that append an argument to a call: `f(a)` → `f(a, extra)`, `f()` → `f(extra)`. */
export function appendArgument(sf: ts.SourceFile, call: ts.CallExpression | ts.NewExpression, argument: string): TextEdit[] {
  const args = call.arguments;
  if (!args || !args.length) {
    const openParen = sf.text.indexOf('(', call.expression.getEnd());
    return [{ start: openParen + 1, end: openParen + 1, text: argument }];
  }
  const last = args[args.length - 1];
  if (args.hasTrailingComma) {
    const comma = sf.text.indexOf(',', last.getEnd());
    return [{ start: comma + 1, end: comma + 1, text: ` ${argument},` }];
  }
  return [{ start: last.getEnd(), end: last.getEnd(), text: `, ${argument}` }];
}
