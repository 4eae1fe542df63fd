/**
 * Kubernetes manifests: the objects of every document (by `apiVersion`/`kind`), and the containers of
 * workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Argo Rollout) with where their
 * pod spec sits. Shared by the rules that read k8s files.
 */
import { isMap, isScalar, isSeq, mapGet, mapPair, resolveNode, scalarString, type Document, type RuleContext, type Scalar, type YAMLMap } from '../../server/src/engine/api';

export interface K8sObject {
  readonly doc: Document;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly root: YAMLMap;
}

export function k8sObjects(ctx: RuleContext): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of ctx.yaml.documents) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const apiVersion = scalarString(mapGet(root, 'apiVersion', doc));
    const kind = scalarString(mapGet(root, 'kind', doc));
    if (!apiVersion || !kind) continue;
    const meta = mapGet(root, 'metadata', doc);
    out.push({
      doc,
      apiVersion,
      kind,
      name: scalarString(mapGet(meta, 'name', doc)),
      namespace: scalarString(mapGet(meta, 'namespace', doc)),
      root: root as YAMLMap,
    });
  }
  return out;
}

/** Workload kinds whose pods run long (probes and limits matter) and batch kinds. */
export const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout', 'DeploymentConfig']);
export const BATCH_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob']);

/** The pod spec of a workload object: `spec.template.spec`, `spec.jobTemplate.spec.template.spec`, or a Pod's `spec`. */
export function podSpec(obj: K8sObject): YAMLMap | undefined {
  const { doc } = obj;
  const spec = mapGet(obj.root, 'spec', doc);
  let pod: unknown;
  if (obj.kind === 'Pod') pod = spec;
  else if (obj.kind === 'CronJob') pod = mapGet(mapGet(mapGet(mapGet(spec, 'jobTemplate', doc), 'spec', doc), 'template', doc), 'spec', doc);
  else pod = mapGet(mapGet(spec, 'template', doc), 'spec', doc);
  return isMap(pod) ? (pod as YAMLMap) : undefined;
}

export interface K8sContainer {
  readonly object: K8sObject;
  readonly container: YAMLMap;
  readonly name: string | undefined;
  /** the `- name:` line's key scalar (where findings about a container go), else the container map */
  readonly anchor: Scalar | YAMLMap;
  /** from `initContainers` */
  readonly init: boolean;
}

export function workloadContainers(obj: K8sObject): K8sContainer[] {
  const pod = podSpec(obj);
  if (!pod) return [];
  const out: K8sContainer[] = [];
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    const list = mapGet(pod, field, obj.doc);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const c = resolveNode(item, obj.doc);
      if (!isMap(c)) continue;
      const namePair = mapPair(c, 'name', obj.doc);
      out.push({
        object: obj,
        container: c as YAMLMap,
        name: scalarString(namePair?.value),
        anchor: namePair && isScalar(namePair.key) ? namePair.key : (c as YAMLMap),
        init,
      });
    }
  }
  return out;
}

export interface K8sEnvVar {
  readonly name: string;
  /** a literal `value:`; undefined when the variable comes from `valueFrom` */
  readonly value: string | undefined;
  readonly fromSecret: boolean;
  readonly range: readonly [number, number];
  readonly valueRange?: readonly [number, number];
}

/** A container's `env:` list. */
export function containerEnv(c: K8sContainer): K8sEnvVar[] {
  const env = mapGet(c.container, 'env', c.object.doc);
  if (!isSeq(env)) return [];
  const out: K8sEnvVar[] = [];
  for (const item of env.items) {
    const e = resolveNode(item, c.object.doc);
    if (!isMap(e)) continue;
    const name = scalarString(mapGet(e, 'name', c.object.doc));
    if (!name) continue;
    const vp = mapPair(e, 'value', c.object.doc);
    const v = vp ? resolveNode(vp.value, c.object.doc) : undefined;
    const valueFrom = mapGet(e, 'valueFrom', c.object.doc);
    const range = (e as YAMLMap).range;
    if (!range) continue;
    const vr = isScalar(v) && v.range ? ([v.range[0], v.range[1]] as const) : undefined;
    out.push({
      name,
      value: scalarString(v),
      fromSecret: isMap(valueFrom) && mapGet(valueFrom, 'secretKeyRef', c.object.doc) !== undefined,
      range: vr ?? [range[0], range[1]],
      ...(vr ? { valueRange: vr } : {}),
    });
  }
  return out;
}
