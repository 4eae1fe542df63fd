import {
  appendToMap,
  defineRule,
  isMap,
  isScalar,
  isSeq,
  mapGet,
  mapPair,
  scalarString,
  yamlIndentStep,
  type Fix,
  type Pair,
  type ProjectCondition,
  type RuleContext,
  type Scalar,
  type TextEdit,
  type YAMLMap,
} from '../../server/src/engine/api';
import { composeServices, type ComposeService } from '../_lib/compose';
import { completedDependencies, dirOf, inKustomizeBase, isOneShotService, isOverrideFile } from '../_lib/dockerfiles';
import { BATCH_KINDS, k8sObjects, LONG_RUNNING_KINDS, workloadContainers, type K8sContainer, type K8sObject } from '../_lib/k8s';

export default defineRule({
  id: 'missing-resource-limits',
  title: 'Container without resource limits',
  summary: 'A deployed container has no CPU and memory limits, so one runaway process can starve the host.',
  severity: 'warning',
  kinds: ['compose', 'k8s'],
  scope: 'file',
  checklist: '003 §3.3, 001 ph.4',
  fixable: true,
  hasSuggestions: false,
  messages: {
    containerNoLimits: 'Container "{{container}}" of {{kind}} "{{name}}" has no CPU or memory limit.',
    containerRequestsOnly: 'Container "{{container}}" of {{kind}} "{{name}}" sets resource requests but no limits.',
    containerNoMemoryLimit: 'Container "{{container}}" of {{kind}} "{{name}}" has a CPU limit but no memory limit.',
    containerNoCpuLimit: 'Container "{{container}}" of {{kind}} "{{name}}" has a memory limit but no CPU limit.',
    serviceNoLimits: 'Service "{{service}}" has no memory or CPU limit.',
    serviceReservationsOnly: 'Service "{{service}}" reserves resources but sets no limits.',
    serviceNoMemoryLimit: 'Service "{{service}}" has a CPU limit but no memory limit.',
    serviceNoCpuLimit: 'Service "{{service}}" has a memory limit but no CPU limit.',
  },
  options: {
    requireCpuLimit: {
      type: 'boolean',
      default: false,
      description: 'Also report a memory limit without a CPU limit (off by default: CPU limits throttle, and many teams set only requests).',
    },
  },
  textHint: /services|kind/,
  usesFacts: true,
  check(ctx) {
    if (ctx.file.kind === 'k8s') checkK8s(ctx);
    else if (ctx.file.kind === 'compose') checkCompose(ctx);
  },
});

// ---------------------------------------------------------------- quantities

/** Kubernetes CPU quantity in millicores (`250m`, `0.5`, `2`). */
function k8sCpu(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)(m)?$/.exec(s.trim());
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

const K8S_MEM: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** Kubernetes memory quantity in bytes (`512Mi`, `2Gi`, `1G`, `128974848`, `129e6`). */
function k8sMem(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(s.trim());
  return m ? Number(m[1]) * K8S_MEM[m[2] ?? ''] : undefined;
}

/** Compose byte value (`2G`, `512m`, `1gb`, `1073741824`): units are powers of 1024. */
function composeMem(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit]!;
}

function composeCpu(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

/** The seed's value, or the reservation/request when that is larger (a limit below it is rejected). */
function atLeast(seed: string, floorText: string | undefined, parse: (s: string | undefined) => number | undefined): string {
  const floor = parse(floorText);
  const s = parse(seed);
  return floor !== undefined && s !== undefined && floor > s ? floorText!.trim() : seed;
}

// ---------------------------------------------------------------- YAML edits

/** A value as the file writes such values: `"2Gi"` when resource values there are double-quoted, else as is. */
function quoteLike(ctx: RuleContext, value: string, keys: RegExp, quoteByDefault = false): string {
  const m = keys.exec(ctx.file.text);
  const q = m ? (m[1] === '"' || m[1] === "'" ? m[1] : '') : quoteByDefault ? ctx.style.quote : '';
  return q ? `${q}${value}${q}` : value;
}

/**
 * Fill an empty value (`resources: {}`, `resources:` with nothing, `limits: {}`) with a block map, in the key's
 * indentation plus the file's step; a comment after the value stays on the key's line.
 */
function fillEmpty(ctx: RuleContext, pair: Pair<Scalar, unknown>, block: readonly string[]): TextEdit | undefined {
  const key = pair.key;
  if (!key?.range) return undefined;
  const text = ctx.file.text;
  const colon = text.indexOf(':', key.range[1]);
  if (colon < 0) return undefined;
  const line = ctx.lines.lineOf(key.range[0]);
  const lineEnd = ctx.lines.lineEnd(line);
  if (colon > lineEnd) return undefined;
  const v = pair.value as { range?: [number, number, number] } | null;
  let valueEnd = colon + 1;
  if (v && v.range) {
    if (ctx.lines.lineOf(v.range[1] - 1) !== line && v.range[1] > v.range[0]) return undefined;
    valueEnd = Math.max(valueEnd, v.range[1]);
  }
  let rest = text.slice(valueEnd, lineEnd);
  // the text between the colon and the value's end must be blanks and `{}` / `~` / `null` only
  if (!/^\s*(\{\s*\}|~|null)?\s*$/.test(text.slice(colon + 1, valueEnd))) return undefined;
  rest = rest.replace(/^\s+/, rest.trim() ? ' ' : '');
  const col = key.range[0] - ctx.lines.lineStart(line);
  const step = yamlIndentStep(text);
  const eol = ctx.style.eol;
  const body = block.map((l) => {
    const lead = /^ */.exec(l)![0].length;
    return ' '.repeat(col + step + (lead / 2) * step) + l.slice(lead);
  });
  return { start: colon + 1, end: lineEnd, text: `${rest}${eol}${body.join(eol)}` };
}

/** Is the value of this pair empty (`{}`, `~`, nothing)? */
function isEmptyValue(pair: Pair<Scalar, unknown>): boolean {
  const v = pair.value;
  if (v === null || v === undefined) return true;
  if (isMap(v)) return v.items.length === 0;
  return isScalar(v) && (v.value === null || v.value === undefined);
}

/** Append to a map (block) or fill it when it is empty (`{}`); undefined for flow maps with entries. */
function addTo(ctx: RuleContext, pair: Pair<Scalar, unknown>, block: readonly string[]): TextEdit | undefined {
  if (isEmptyValue(pair)) return fillEmpty(ctx, pair, block);
  const m = pair.value;
  if (!isMap(m) || m.flow) return undefined;
  return appendToMap(ctx.file.text, ctx.lines, m as YAMLMap, block, ctx.style.eol);
}

/** The map's own pair (merge keys not followed: editing a merged anchor would change other entries). */
function ownPair(map: unknown, key: string): Pair<Scalar, unknown> | undefined {
  return isMap(map) ? (mapPair(map, key) as Pair<Scalar, unknown> | undefined) : undefined;
}

// ---------------------------------------------------------------- Kubernetes

const WORKLOAD_KINDS = new Set([...LONG_RUNNING_KINDS, ...BATCH_KINDS, 'Pod']);

interface Defaults {
  cpu: boolean;
  memory: boolean;
}

/** Default container limits from the LimitRanges of this file, by namespace ('' for none). */
function limitRangeDefaults(objects: readonly K8sObject[]): Map<string, Defaults> {
  const out = new Map<string, Defaults>();
  for (const o of objects) {
    if (o.kind !== 'LimitRange') continue;
    const limits = mapGet(mapGet(o.root, 'spec', o.doc), 'limits', o.doc);
    if (!isSeq(limits)) continue;
    for (const item of limits.items) {
      const type = scalarString(mapGet(item, 'type', o.doc));
      if (type && type !== 'Container') continue;
      const d = mapGet(item, 'default', o.doc);
      if (!isMap(d)) continue;
      const cur = out.get(o.namespace ?? '') ?? { cpu: false, memory: false };
      if (mapGet(d, 'cpu', o.doc) !== undefined) cur.cpu = true;
      if (mapGet(d, 'memory', o.doc) !== undefined) cur.memory = true;
      out.set(o.namespace ?? '', cur);
    }
  }
  return out;
}

function checkK8s(ctx: RuleContext): void {
  const objects = k8sObjects(ctx);
  const defaults = limitRangeDefaults(objects);
  const requireCpu = ctx.options.requireCpuLimit === true;
  const held = inKustomizeBase(ctx.file.path);
  for (const obj of objects) {
    if (!WORKLOAD_KINDS.has(obj.kind)) continue;
    const dflt = defaults.get(obj.namespace ?? '') ?? { cpu: false, memory: false };
    for (const c of workloadContainers(obj)) {
      // init containers run to completion before the pod starts
      if (c.init) continue;
      const doc = obj.doc;
      const resources = mapGet(c.container, 'resources', doc);
      const limits = mapGet(resources, 'limits', doc);
      const requests = mapGet(resources, 'requests', doc);
      const memory = dflt.memory || (isMap(limits) && mapGet(limits, 'memory', doc) !== undefined);
      const cpu = dflt.cpu || (isMap(limits) && mapGet(limits, 'cpu', doc) !== undefined);
      const key = `k8s-limits:${obj.kind}/${obj.name ?? ''}/${c.name ?? ''}`;
      if (memory && (cpu || !requireCpu)) {
        ctx.fact(key);
        continue;
      }
      // a container without an image is a patch (kustomize strategic merge), not a container of its own
      if (scalarString(mapGet(c.container, 'image', doc)) === undefined) continue;
      const range = c.anchor.range;
      if (!range) continue;
      const hasRequests = isMap(requests) && requests.items.length > 0;
      const messageId = memory ? 'containerNoCpuLimit' : cpu ? 'containerNoMemoryLimit' : hasRequests ? 'containerRequestsOnly' : 'containerNoLimits';
      const unless: ProjectCondition | undefined = held ? { fact: key, scope: 'project' } : undefined;
      ctx.report({
        messageId,
        data: { container: c.name ?? '(unnamed)', kind: obj.kind, name: obj.name ?? '(unnamed)' },
        range: [range[0], range[1]],
        // in a kustomize base, where the limits go (base or overlay) is a choice; so is a CPU limit (it throttles)
        fix: unless || memory ? undefined : k8sFix(ctx, c, { memory, cpu }),
        ...(unless ? { unless } : {}),
      });
    }
  }
}

function k8sFix(ctx: RuleContext, c: K8sContainer, have: { memory: boolean; cpu: boolean }): Fix | undefined {
  const v = (s: string) => quoteLike(ctx, s, /\b(?:memory|cpu):[ \t]*(["']?)\d/);
  const resPair = ownPair(c.container, 'resources');
  if (!resPair && mapGet(c.container, 'resources', c.object.doc) !== undefined) return undefined; // from a merged anchor
  const res = resPair?.value;
  const requests = isMap(res) ? mapGet(res, 'requests') : undefined;
  const reqCpu = scalarString(mapGet(requests, 'cpu'));
  const reqMem = scalarString(mapGet(requests, 'memory'));
  const limCpu = v(atLeast('1000m', reqCpu, k8sCpu));
  const limMem = v(atLeast('2Gi', reqMem, k8sMem));
  let edit: TextEdit | undefined;
  let title: string;
  if (!resPair || isEmptyValue(resPair)) {
    // the seed's block (checklist 001 ph.4)
    const block = ['requests:', `  memory: ${v('512Mi')}`, `  cpu: ${v('250m')}`, 'limits:', `  memory: ${v('2Gi')}`, `  cpu: ${v('1000m')}`];
    edit = resPair ? fillEmpty(ctx, resPair, block) : appendToMap(ctx.file.text, ctx.lines, c.container, ['resources:', ...block.map((l) => `  ${l}`)], ctx.style.eol);
    title = 'Add resource requests (512Mi, 250m) and limits (2Gi, 1000m)';
  } else {
    const limPair = ownPair(res, 'limits');
    if (!limPair) {
      if (!isMap(res) || res.flow) return undefined;
      edit = appendToMap(ctx.file.text, ctx.lines, res as YAMLMap, ['limits:', `  memory: ${limMem}`, `  cpu: ${limCpu}`], ctx.style.eol);
      title = `Add limits (memory ${unq(limMem)}, cpu ${unq(limCpu)})`;
    } else {
      edit = addTo(ctx, limPair, have.cpu ? [`memory: ${limMem}`] : [`memory: ${limMem}`, `cpu: ${limCpu}`]);
      title = have.cpu ? `Add a memory limit (${unq(limMem)})` : `Add limits (memory ${unq(limMem)}, cpu ${unq(limCpu)})`;
    }
  }
  return edit ? { title, edits: [edit] } : undefined;
}

function unq(s: string): string {
  return s.replace(/^["']|["']$/g, '');
}

// ---------------------------------------------------------------- compose

interface ComposeLimits {
  memory: boolean;
  cpu: boolean;
  reservations: boolean;
}

function composeLimits(svc: ComposeService): ComposeLimits {
  const d = svc.doc;
  const resources = mapGet(mapGet(svc.def, 'deploy', d), 'resources', d);
  const limits = mapGet(resources, 'limits', d);
  const reservations = mapGet(resources, 'reservations', d);
  const set = (node: unknown, key: string) => isMap(node) && mapGet(node, key, d) !== undefined && mapGet(node, key, d) !== null;
  return {
    memory: set(limits, 'memory') || set(svc.def, 'mem_limit'),
    cpu: set(limits, 'cpus') || set(svc.def, 'cpus') || set(svc.def, 'cpu_quota'),
    reservations: (isMap(reservations) && reservations.items.length > 0) || set(svc.def, 'mem_reservation'),
  };
}

function checkCompose(ctx: RuleContext): void {
  const services = composeServices(ctx);
  const dir = dirOf(ctx.file.path);
  const requireCpu = ctx.options.requireCpuLimit === true;
  for (const svc of services) {
    if (!svc.def) continue;
    const l = composeLimits(svc);
    if (l.memory) ctx.fact(`compose-limits:${dir}:${svc.name}`);
  }
  if (!ctx.file.roles.deployed) return;
  const completed = completedDependencies(services);
  const override = isOverrideFile(services);
  for (const svc of services) {
    if (!svc.def) continue;
    const l = composeLimits(svc);
    if (l.memory && (l.cpu || !requireCpu)) continue;
    if (mapPair(svc.def, 'extends', svc.doc)) continue; // the extended service decides
    if (isOneShotService(svc, completed)) continue;
    const range = svc.key.range;
    if (!range) continue;
    // an override of a sibling compose file (`-f docker-compose.yml -f docker-compose.prod.yml`): merged with its service
    const unless: ProjectCondition | undefined = override ? { fact: `compose-limits:${dir}:${svc.name}`, scope: 'project' } : undefined;
    const messageId = l.memory ? 'serviceNoCpuLimit' : l.cpu ? 'serviceNoMemoryLimit' : l.reservations ? 'serviceReservationsOnly' : 'serviceNoLimits';
    ctx.report({
      messageId,
      data: { service: svc.name },
      range: [range[0], range[1]],
      fix: unless || l.memory ? undefined : composeFix(ctx, svc, l),
      ...(unless ? { unless } : {}),
    });
  }
}

function composeFix(ctx: RuleContext, svc: ComposeService, have: ComposeLimits): Fix | undefined {
  const def = svc.def!;
  if (def.flow) return undefined;
  const q = (s: string) => quoteLike(ctx, s, /\bcpus:[ \t]*(["']?)\d/, true);
  const eol = ctx.style.eol;
  const deployPair = ownPair(def, 'deploy');
  const legacy = ['mem_limit', 'mem_reservation', 'cpus', 'cpu_quota', 'cpu_shares'].some((k) => ownPair(def, k));
  // a service written with the legacy keys (`cpus: 1.5`) gets `mem_limit` next to them
  if (legacy && !deployPair) {
    const mem = atLeast('2G', scalarString(mapGet(def, 'mem_reservation')), composeMem);
    const edit = appendToMap(ctx.file.text, ctx.lines, def, [`mem_limit: ${mem}`], eol);
    return edit ? { title: `Add a memory limit (mem_limit: ${mem})`, edits: [edit] } : undefined;
  }
  if (!deployPair) {
    if (mapGet(def, 'deploy', svc.doc) !== undefined) return undefined; // deploy comes from a merged anchor
    // the seed's block (checklist 003 §3.3)
    const edit = appendToMap(
      ctx.file.text,
      ctx.lines,
      def,
      ['deploy:', '  resources:', '    limits:', `      cpus: ${q('2')}`, '      memory: 2G', '    reservations:', `      cpus: ${q('1')}`, '      memory: 1G'],
      eol,
    );
    return edit ? { title: 'Add deploy.resources limits (2 CPUs, 2G) and reservations (1 CPU, 1G)', edits: [edit] } : undefined;
  }
  const deploy = deployPair.value;
  const resPair = ownPair(deploy, 'resources');
  if (!resPair) {
    if (!isEmptyValue(deployPair) && (!isMap(deploy) || deploy.flow)) return undefined;
    const block = ['resources:', '  limits:', `    cpus: ${q('2')}`, '    memory: 2G', '  reservations:', `    cpus: ${q('1')}`, '    memory: 1G'];
    const edit = addTo(ctx, deployPair, block);
    return edit ? { title: 'Add deploy.resources limits (2 CPUs, 2G) and reservations (1 CPU, 1G)', edits: [edit] } : undefined;
  }
  const res = resPair.value;
  const reservations = isMap(res) ? mapGet(res, 'reservations') : undefined;
  const memory = atLeast('2G', scalarString(mapGet(reservations, 'memory')), composeMem);
  const cpus = q(atLeast('2', scalarString(mapGet(reservations, 'cpus')), composeCpu));
  const limPair = ownPair(res, 'limits');
  if (!limPair) {
    if (!isEmptyValue(resPair) && (!isMap(res) || res.flow)) return undefined;
    const edit = addTo(ctx, resPair, ['limits:', `  cpus: ${cpus}`, `  memory: ${memory}`]);
    return edit ? { title: `Add deploy.resources.limits (${unq(cpus)} CPUs, ${memory})`, edits: [edit] } : undefined;
  }
  const edit = addTo(ctx, limPair, have.cpu ? [`memory: ${memory}`] : [`cpus: ${cpus}`, `memory: ${memory}`]);
  return edit ? { title: have.cpu ? `Add a memory limit (${memory})` : `Add deploy.resources.limits (${unq(cpus)} CPUs, ${memory})`, edits: [edit] } : undefined;
}
