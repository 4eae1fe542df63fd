/**
 * GitHub Actions workflows: jobs (with the job-id key, where job-level findings go) and their steps (`uses`,
 * `run`, `with`, `env`, `continue-on-error`). Shared by the rules that read workflow files.
 */
import { isMap, isScalar, isSeq, mapGet, mapPair, resolveNode, scalarString, type Document, type Pair, type RuleContext, type Scalar, type YamlNode, type YAMLMap } from '../../server/src/engine/api';

export interface WorkflowJob {
  readonly id: string;
  /** the job id key: "something is missing" findings go here */
  readonly key: Scalar;
  readonly def: YAMLMap;
  readonly doc: Document;
}

export function workflowJobs(ctx: RuleContext): WorkflowJob[] {
  const out: WorkflowJob[] = [];
  for (const doc of ctx.yaml.documents) {
    const jobs = mapGet(doc.contents, 'jobs', doc);
    if (!isMap(jobs)) continue;
    for (const item of jobs.items) {
      const def = resolveNode(item.value, doc);
      if (!isScalar(item.key) || !isMap(def)) continue;
      out.push({ id: String(item.key.value), key: item.key as Scalar, def: def as YAMLMap, doc });
    }
  }
  return out;
}

export interface WorkflowStep {
  readonly job: WorkflowJob;
  readonly step: YAMLMap;
  readonly index: number;
  readonly name: string | undefined;
  /** `actions/checkout@v4` */
  readonly uses: string | undefined;
  /** the `run:` script and its scalar node (block scalars included) */
  readonly run: { readonly script: string; readonly node: Scalar } | undefined;
  /** the `with:` map */
  readonly with: YAMLMap | undefined;
  /** the `continue-on-error:` pair, when present */
  readonly continueOnError: Pair<Scalar, YamlNode | null> | undefined;
}

export function jobSteps(job: WorkflowJob): WorkflowStep[] {
  const steps = mapGet(job.def, 'steps', job.doc);
  if (!isSeq(steps)) return [];
  const out: WorkflowStep[] = [];
  steps.items.forEach((item, index) => {
    const s = resolveNode(item, job.doc);
    if (!isMap(s)) return;
    const runNode = resolveNode(mapGet(s, 'run', job.doc), job.doc);
    const w = mapGet(s, 'with', job.doc);
    out.push({
      job,
      step: s as YAMLMap,
      index,
      name: scalarString(mapGet(s, 'name', job.doc)),
      uses: scalarString(mapGet(s, 'uses', job.doc)),
      run: isScalar(runNode) && typeof runNode.value === 'string' ? { script: runNode.value, node: runNode as Scalar } : undefined,
      with: isMap(w) ? (w as YAMLMap) : undefined,
      continueOnError: mapPair(s, 'continue-on-error', job.doc),
    });
  });
  return out;
}

/**
 * Where the script line holding `scriptOffset` starts in the file, for reporting on that line. In a block
 * scalar (`|`, `>`) the line is found by its text among the block's physical lines (the same text seen earlier
 * in the script is skipped as often as it occurs); a one-line scalar reports at its start.
 */
export function runLineOffset(text: string, node: Scalar, scriptOffset: number): number {
  const range = node.range;
  if (!range) return 0;
  if (!/^[|>]/.test(text.slice(range[0], range[0] + 1))) return range[0];
  const lines = String(node.value).split('\n');
  const lineNo = String(node.value).slice(0, scriptOffset).split('\n').length - 1;
  const wanted = lines[lineNo]?.trim();
  if (!wanted) return range[0];
  let skip = lines.slice(0, lineNo).filter((l) => l.trim() === wanted).length;
  let at = text.indexOf('\n', range[0]) + 1;
  while (at > 0 && at < range[1]) {
    const end = text.indexOf('\n', at);
    const l = text.slice(at, end < 0 || end > range[1] ? range[1] : end).replace(/\r$/, '');
    if (l.trim() === wanted && skip-- === 0) return at + (l.length - l.trimStart().length);
    if (end < 0) break;
    at = end + 1;
  }
  return range[0];
}
