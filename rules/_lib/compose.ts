/**
 * Compose files: the services of every document (aliases and `<<` merge keys followed), each service's image,
 * environment (map or list form) and command. Shared by the rules that read compose files.
 */
import { isMap, isScalar, isSeq, mapGet, resolveNode, scalarString, type Document, type RuleContext, type Scalar, type YAMLMap } from '../../server/src/engine/api';

export interface ComposeService {
  readonly name: string;
  /** the service key (`redis:`): where "something is missing" findings go */
  readonly key: Scalar;
  /** the service's map (undefined for `web: ~` and the like) */
  readonly def: YAMLMap | undefined;
  readonly doc: Document;
  readonly image: string | undefined;
}

export function composeServices(ctx: RuleContext): ComposeService[] {
  const out: ComposeService[] = [];
  for (const doc of ctx.yaml.documents) {
    const services = mapGet(doc.contents, 'services', doc);
    if (!isMap(services)) continue;
    for (const item of services.items) {
      if (!isScalar(item.key)) continue;
      const def = resolveNode(item.value, doc);
      out.push({
        name: String(item.key.value),
        key: item.key as Scalar,
        def: isMap(def) ? (def as YAMLMap) : undefined,
        doc,
        image: isMap(def) ? scalarString(mapGet(def, 'image', doc), doc) : undefined,
      });
    }
  }
  return out;
}

export interface EnvEntry {
  readonly key: string;
  /** undefined for `- NAME` (passed through from the host) and `NAME:` with no value */
  readonly value: string | undefined;
  /** the range to report: the pair's key for the map form, the list item for the list form */
  readonly range: readonly [number, number];
  /** the value's own range as written (quotes included), when it has one */
  readonly valueRange?: readonly [number, number];
}

/** `environment:` as a map (`KEY: value`) or a list (`- KEY=value`). */
export function serviceEnvironment(svc: ComposeService): EnvEntry[] {
  const env = mapGet(svc.def, 'environment', svc.doc);
  const out: EnvEntry[] = [];
  if (isMap(env)) {
    for (const p of env.items) {
      if (!isScalar(p.key) || !p.key.range) continue;
      const v = resolveNode(p.value, svc.doc);
      const vr = isScalar(v) && v.range ? ([v.range[0], v.range[1]] as const) : undefined;
      out.push({ key: String(p.key.value), value: scalarString(v), range: [p.key.range[0], vr ? vr[1] : p.key.range[1]], ...(vr ? { valueRange: vr } : {}) });
    }
  } else if (isSeq(env)) {
    for (const el of env.items) {
      const s = scalarString(el);
      if (s === undefined || !isScalar(el) || !el.range) continue;
      const eq = s.indexOf('=');
      out.push({ key: eq < 0 ? s : s.slice(0, eq), value: eq < 0 ? undefined : s.slice(eq + 1), range: [el.range[0], el.range[1]] });
    }
  }
  return out;
}

/** The service's `command:` as words (string form split on blanks, list form as written) with its node. */
export function serviceCommand(svc: ComposeService): { words: string[]; node: Scalar | YAMLMap | unknown } | undefined {
  const cmd = resolveNode(mapGet(svc.def, 'command', svc.doc), svc.doc);
  if (isScalar(cmd)) {
    const s = scalarString(cmd);
    return s === undefined ? undefined : { words: s.split(/\s+/).filter(Boolean), node: cmd };
  }
  if (isSeq(cmd)) return { words: cmd.items.map((i) => scalarString(i) ?? '').filter(Boolean), node: cmd };
  return undefined;
}
