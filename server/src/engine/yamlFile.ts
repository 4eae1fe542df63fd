import {
  LineCounter,
  parseAllDocuments,
  isAlias,
  isMap,
  isSeq,
  isScalar,
  isPair,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
  type Scalar,
} from 'yaml';

export interface YamlFile {
  readonly documents: readonly Document.Parsed[];
  /** parse errors (not warnings); a file with errors still has whatever the parser recovered */
  readonly errors: readonly { message: string; offset: number }[];
}

export function parseYaml(text: string): YamlFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: false,
    keepSourceTokens: false,
    prettyErrors: false,
  });
  const docs = Array.isArray(documents) ? documents : [];
  const errors: { message: string; offset: number }[] = [];
  for (const d of docs) for (const e of d.errors) errors.push({ message: e.message.split('\n')[0], offset: e.pos[0] });
  return { documents: docs, errors };
}

/** Follow an alias (`*name`) to its anchored node; other nodes are returned as they are. */
export function resolveNode(node: unknown, doc?: Document): unknown {
  let n = node;
  for (let i = 0; i < 16 && isAlias(n) && doc; i++) n = n.resolve(doc);
  return n;
}

/**
 * The pair whose key is the scalar `key` in a map node, if any. With `doc`, aliases are followed and
 * merge keys (`<<: *defaults`) are searched after the map's own keys, as YAML merge semantics say.
 */
export function mapPair(node: unknown, key: string, doc?: Document, depth = 0): Pair<Scalar, YamlNode | null> | undefined {
  const map = resolveNode(node, doc);
  if (!isMap(map)) return undefined;
  let merges: unknown[] | undefined;
  for (const item of (map as YAMLMap).items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    const k = String(item.key.value);
    if (k === key) return item as Pair<Scalar, YamlNode | null>;
    if (k === '<<' && doc) (merges ??= []).push(item.value);
  }
  if (merges && depth < 8) {
    for (const m of merges) {
      const r = resolveNode(m, doc);
      const sources = isSeq(r) ? r.items : [r];
      for (const src of sources) {
        const found = mapPair(src, key, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** The value node under `key` in a map node (aliases followed when `doc` is given). */
export function mapGet(node: unknown, key: string, doc?: Document): YamlNode | null | undefined {
  const v = mapPair(node, key, doc)?.value;
  return doc ? (resolveNode(v, doc) as YamlNode | null | undefined) : v;
}

/** A scalar's value as a string (numbers and booleans too), else undefined. */
export function scalarString(node: unknown, doc?: Document): string | undefined {
  const n = resolveNode(node, doc);
  if (isScalar(n) && n.value !== null && n.value !== undefined && typeof n.value !== 'object') return String(n.value);
  return undefined;
}

export { isAlias, isMap, isSeq, isScalar, isPair };
export type { Document, YamlNode, Pair, YAMLMap, Scalar };
