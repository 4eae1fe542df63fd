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

/** Edits that remove one property of an object literal with its separating comma, keeping the layout. */
export function removeProperty(sf: ts.SourceFile, lines: LineIndex, prop: ts.ObjectLiteralElementLike): TextEdit[] {
  const obj = prop.parent as ts.ObjectLiteralExpression;
  const props = obj.properties;
  const i = props.indexOf(prop);
  const text = sf.text;
  const start = prop.getStart(sf);
  const ownLine = lines.lineOf(start) !== lines.lineOf(obj.getStart(sf)) && /^[ \t]*$/.test(text.slice(lines.lineStart(lines.lineOf(start)), start));
  if (ownLine) {
    // the property's whole line(s), comma included, when it sits on lines of its own
    let end = prop.getEnd();
    const after = text.slice(end).match(/^[ \t]*,?[ \t]*(\/\/[^\n]*)?/)![0];
    end += after.length;
    const lineEnd = lines.lineEnd(lines.lineOf(end));
    if (/^\s*$/.test(text.slice(end, lineEnd))) {
      const from = lines.lineStart(lines.lineOf(start));
      const nextLine = lines.lineOf(end) + 1;
      const to = nextLine <= lines.lineCount ? lines.lineStart(nextLine) : text.length;
      // keep a trailing comma habit: if this was the last property and the previous one had no comma, nothing to fix
      if (i === props.length - 1 && i > 0 && !props.hasTrailingComma) {
        const prevEnd = props[i - 1].getEnd();
        const comma = text.indexOf(',', prevEnd);
        return [
          { start: comma, end: comma + 1, text: '' },
          { start: from, end: to, text: '' },
        ];
      }
      return [{ start: from, end: to, text: '' }];
    }
  }
  if (i < props.length - 1) return [{ start, end: props[i + 1].getStart(sf), text: '' }];
  if (i > 0) return [{ start: props[i - 1].getEnd(), end: prop.getEnd() + (props.hasTrailingComma ? 0 : 0), text: '' }];
  return [{ start, end: prop.getEnd() + (props.hasTrailingComma ? text.slice(prop.getEnd()).indexOf(',') + 1 : 0), text: '' }];
}
