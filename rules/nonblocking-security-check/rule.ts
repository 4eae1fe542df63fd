import { defineRule, isMap, type ReportDescriptor, isScalar, mapGet, mapPair, scalarString, type Fix, type Pair, type RuleContext, type Scalar, type YamlNode, type YAMLMap } from '../../server/src/engine/api';
import { jobSteps, workflowJobs, type WorkflowJob, type WorkflowStep } from '../_lib/workflows';
import {
  optionValue,
  programIndex,
  ScriptMap,
  securityAction,
  securityCommand,
  shellCommands,
  substitutedScripts,
  swallowingFallback,
  type SecurityTool,
  type ShellCommand,
} from '../_lib/workflowCommands';

/** `true`, `'true'`, `${{ true }}` — not an expression such as `${{ matrix.experimental }}`. */
function literalTrue(node: unknown): boolean {
  const v = isScalar(node) ? node.value : undefined;
  if (v === true) return true;
  return typeof v === 'string' && /^\s*(true|\$\{\{\s*true\s*\}\})\s*$/i.test(v);
}

/** Action inputs that make a scanner report without failing, and the value that blocks again. */
const SOFT_INPUTS: { tool: RegExp; input: string; soft: RegExp; blocking: string }[] = [
  { tool: /^aquasecurity\/trivy-action$/, input: 'exit-code', soft: /^0$/, blocking: '1' },
  { tool: /^anchore\/scan-action$/, input: 'fail-build', soft: /^false$/i, blocking: 'true' },
  { tool: /^bridgecrewio\/checkov-action$/, input: 'soft_fail', soft: /^true$/i, blocking: 'false' },
  { tool: /^aquasecurity\/tfsec-(sarif-)?action$/, input: 'soft_fail', soft: /^true$/i, blocking: 'false' },
  { tool: /^actions\/dependency-review-action$/, input: 'warn-only', soft: /^true$/i, blocking: 'false' },
  { tool: /^zaproxy\/action-(baseline|full-scan|api-scan|af)$/, input: 'fail_action', soft: /^false$/i, blocking: 'true' },
  { tool: /^google\/osv-scanner(-action)?(\/.*)?$/, input: 'fail-on-vuln', soft: /^false$/i, blocking: 'true' },
];

function stepLabel(step: WorkflowStep, tool: SecurityTool): string {
  return step.name?.trim() || tool.label;
}

/** Replace a scalar's value in the file, keeping its quotes. */
function replaceScalar(ctx: RuleContext, node: Scalar, value: string, title: string): Fix | undefined {
  if (!node.range) return undefined;
  const src = ctx.file.text.slice(node.range[0], node.range[1]);
  if (/\n/.test(src)) return undefined;
  const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
  return { title, edits: [{ start: node.range[0], end: node.range[1], text: `${q}${value}${q}` }] };
}

/** The `key: value` span of a pair, on the key's line. */
function pairRange(ctx: RuleContext, pair: Pair<Scalar, YamlNode | null>): [number, number] {
  const start = pair.key.range?.[0] ?? 0;
  const v = pair.value as Scalar | null;
  const end = v?.range ? v.range[1] : (pair.key.range?.[1] ?? start);
  return [start, Math.min(end, ctx.lines.lineEnd(ctx.lines.lineOf(start)))];
}

function stepText(step: WorkflowStep): string {
  const parts: string[] = [step.run?.script ?? ''];
  if (step.with) for (const it of step.with.items) parts.push(`${scalarString(it.key) ?? ''}=${scalarString(it.value) ?? ''}`);
  return parts.join('\n');
}

/**
 * A failing check is still surfaced: its SARIF goes to code scanning (a later upload-sarif step, whose
 * check run fails pull requests on new alerts), or a later step fails the job on its outcome.
 */
function reportedElsewhere(step: WorkflowStep, steps: readonly WorkflowStep[]): boolean {
  const later = steps.slice(step.index + 1);
  const self = step.uses?.toLowerCase() ?? '';
  if (/sarif/i.test(stepText(step)) && (later.some((s) => /^github\/codeql-action\/upload-sarif@/i.test(s.uses ?? '')) || /^(github\/codeql-action\/analyze)/.test(self))) return true;
  const id = scalarString(mapGet(step.step, 'id', step.job.doc));
  if (id) {
    const ref = new RegExp(`steps\\.${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(outcome|conclusion)`);
    for (const s of later) {
      const cond = scalarString(mapGet(s.step, 'if', s.job.doc)) ?? '';
      const body = `${s.run?.script ?? ''}\n${stepText(s)}`;
      const refers = ref.test(cond) || ref.test(body);
      if (refers && /\bexit\s+[1-9]|\bexit\s+"?\$|setFailed|^\s*false\s*$|process\.exit\(\s*1/m.test(body)) return true;
    }
  }
  return false;
}

/** `npm_config_audit_level` set in the workflow, job or step env. */
function auditLevelFromEnv(step: WorkflowStep): boolean {
  const maps = [mapGet(step.step, 'env', step.job.doc), mapGet(step.job.def, 'env', step.job.doc), mapGet(step.job.doc.contents, 'env', step.job.doc)];
  return maps.some((m) => isMap(m) && (m as YAMLMap).items.some((it) => /^npm_config_audit_level$/i.test(scalarString(it.key) ?? '')));
}

/** The command whose `||` fallback swallows the failure of `cmds[i]`: walks `a && b || true`, `(a) || :`. */
function swallowedBy(cmds: readonly ShellCommand[], i: number): { before: number; fallback: number; text: string } | undefined {
  for (let k = i; k < cmds.length; k++) {
    const c = cmds[k];
    if (c.next === '||') {
      const f = swallowingFallback(cmds, k + 1);
      return f ? { before: k, fallback: f.end, text: f.text } : undefined;
    }
    if (c.next === ')' || c.next === '}') {
      // leaving a group: the operator after it is the next command's prev
      const after = cmds[k + 1];
      if (after && after.prev === '||') {
        const f = swallowingFallback(cmds, k + 1);
        return f ? { before: k, fallback: f.end, text: f.text } : undefined;
      }
      return undefined;
    }
    if (c.next === '&&' || c.next === '|') continue;
    return undefined;
  }
  return undefined;
}

/**
 * `if ! npm audit; then echo …; fi`, `if npm audit; then …; else echo …; fi`: the check is an `if` condition and
 * the branch taken on failure neither exits non-zero nor runs `false`.
 */
function swallowedByIf(cmds: readonly ShellCommand[], i: number): boolean {
  const first = cmds[i].words.map((w) => w.text);
  if (first[0] !== 'if' && first[0] !== 'elif') return false;
  const negated = first[1] === '!';
  let depth = 0;
  let branch: 'cond' | 'then' | 'else' = 'cond';
  const failing = { then: false, else: false };
  let hasElse = false;
  for (let k = i + 1; k < cmds.length; k++) {
    const w = cmds[k].words.map((x) => x.text);
    const head = w[0];
    if (head === 'if') depth++;
    if (head === 'fi') {
      if (depth === 0) {
        const failBranch = negated ? 'then' : 'else';
        if (failBranch === 'else' && !hasElse) return true;
        return !failing[failBranch];
      }
      depth--;
      continue;
    }
    if (depth > 0) continue;
    let body = w;
    if (head === 'then') {
      branch = 'then';
      body = w.slice(1);
    } else if (head === 'else' || head === 'elif') {
      branch = 'else';
      hasElse = true;
      body = w.slice(1);
      if (head === 'elif') return false; // too many paths: stay quiet
    }
    if (branch === 'cond') continue;
    if ((body[0] === 'exit' && body[1] !== '0') || body[0] === 'false' || (body[0] === 'return' && body[1] !== '0')) failing[branch] = true;
  }
  return false;
}

const PASS_THROUGH = /^(tee|cat|less|more|column|head|tail|sort|uniq|sed|ts|aha|ansi2html|awk|tr)$/;

/** The step runs in GitHub's default `bash -e {0}` (no pipefail): unless a shell is set on the step, job or workflow. */
function defaultShell(step: WorkflowStep): boolean {
  const doc = step.job.doc;
  if (mapGet(step.step, 'shell', doc) !== undefined) return false;
  const jobShell = mapGet(mapGet(mapGet(step.job.def, 'defaults', doc), 'run', doc), 'shell', doc);
  const wfShell = mapGet(mapGet(mapGet(doc.contents, 'defaults', doc), 'run', doc), 'shell', doc);
  return jobShell === undefined && wfShell === undefined;
}

/** `npm audit | tee audit.txt` in the default shell: the pipeline's status is tee's. */
function pipedAway(cmds: readonly ShellCommand[], i: number, script: string): string | undefined {
  if (cmds[i].next !== '|') return undefined;
  if (/\bset\s+-[a-z]*o\s*pipefail|\bset\s+-o\s+pipefail/.test(script.slice(0, cmds[i].start))) return undefined;
  let k = i + 1;
  while (k < cmds.length && cmds[k - 1].next === '|') {
    const p = cmds[k].words[0]?.text ?? '';
    if (!PASS_THROUGH.test(p)) return undefined;
    if (cmds[k].next !== '|') return p;
    k++;
  }
  return undefined;
}

export default defineRule({
  id: 'nonblocking-security-check',
  title: 'Security check that cannot fail the build',
  summary: 'A security step in CI is allowed to fail without failing the workflow.',
  severity: 'error',
  kinds: ['workflow'],
  scope: 'file',
  checklist: '003 §4.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    stepContinueOnError: 'Security step "{{step}}" has continue-on-error: true, so its findings never fail the job.',
    jobContinueOnError: 'Job "{{job}}" runs {{tool}} with continue-on-error: true, so its findings never fail the workflow.',
    swallowed: '"{{command}}" is followed by "|| {{fallback}}", so its findings never fail the step.',
    swallowedIf: '"{{command}}" is an if condition whose failure branch does not fail the step.',
    piped: '"{{command}}" is piped into "{{into}}" in the default shell (no pipefail), so its findings never fail the step.',
    softInput: '{{tool}} runs with {{input}}: {{value}}, so its findings never fail the job.',
    exitCodeZero: 'Trivy runs with --exit-code 0, so its findings never fail the step.',
    softFlag: '{{tool}} runs with {{flag}}, so its findings never fail the step.',
    auditLevelNone: '"{{command}}" runs with --audit-level=none, so it never fails the step.',
    noAuditLevel: '"{{command}}" has no --audit-level, so it fails on every low-severity advisory until someone makes it non-blocking.',
  },
  textHint: /continue-on-error|\||\bif\b|exit-code|audit|soft[_-]?fail|warn-only|fail-build|fail_action|fail-on-vuln/i,
  check(ctx) {
    const found: Pending[] = [];
    const blocking = new Set<string>();
    for (const job of workflowJobs(ctx)) checkJob(ctx, job, found, blocking);
    // a report-writing run of a tool the job also runs as a gate is a report (`npm audit --json > report.json || true`)
    for (const f of found) if (!f.family || !blocking.has(f.family)) ctx.report(f.descriptor);
  },
});

interface Pending {
  readonly descriptor: ReportDescriptor;
  /** job + tool, for report-writing runs that a blocking run of the same tool in the job makes a report */
  readonly family?: string;
}

function family(t: SecurityTool): string {
  return t.label.toLowerCase();
}

/** The command writes a report: output to a file, JSON/SARIF output, or a copy through tee. */
function writesReport(cmds: readonly ShellCommand[], i: number): boolean {
  const w = cmds[i].words.map((x) => x.text);
  if (w.some((t, k) => (/^\d?>>?$/.test(t) && w[k + 1] && w[k + 1] !== '/dev/null') || /^\d?>>?[^&>]/.test(t) && !/\/dev\/null$/.test(t))) return true;
  if (w.some((t) => /^--(json|output|report|sarif|outfile|out|output-file|json-file-output|sarif-file-output|report-path|report-format|format)(=|$)/.test(t) || t === '-o')) return true;
  return cmds[i].next === '|' && cmds[i + 1]?.words[0]?.text === 'tee';
}

/** A step that runs the tool (even inside `$(…)`) and fails on what it finds: `exit 1` after counting. */
function gatesByScript(script: string, t: SecurityTool): boolean {
  if (!/\bexit\s+[1-9]|\bexit\s+"?\$/.test(script)) return false;
  const name = t.audit ? `${t.audit}\\s+audit` : t.label.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${name}\\b`, 'i').test(script);
}

function checkJob(ctx: RuleContext, job: WorkflowJob, found: Pending[], blocking: Set<string>): void {
  const steps = jobSteps(job);
  const jobCoe = mapPair(job.def, 'continue-on-error', job.doc);
  const jobSoft = !!jobCoe && literalTrue(jobCoe.value);
  let jobTool: SecurityTool | undefined;
  for (const step of steps) {
    const action = securityAction(step.uses, scalarString(mapGet(step.with, 'command', job.doc)));
    const cmds = step.run ? shellCommands(step.run.script) : [];
    const commandTools = cmds.map((c) => securityCommand(c.words));
    const tool = action ?? commandTools.find((t) => t);
    if (step.run && /\bexit\s+[1-9]|\bexit\s+"?\$/.test(step.run.script) && !(step.continueOnError && literalTrue(step.continueOnError.value)) && !jobSoft) {
      // `COUNT=$(npm audit --json | jq …)` then `exit 1` on the count: a gate of its own
      for (const inner of substitutedScripts(cmds)) for (const c of shellCommands(inner)) {
        const t = securityCommand(c.words);
        if (t) blocking.add(`${job.id}\0${family(t)}`);
      }
    }
    if (!tool) continue;
    const exempt = reportedElsewhere(step, steps);
    const coe = step.continueOnError;
    const stepSoft = !!coe && literalTrue(coe.value);
    if (!exempt) jobTool ??= tool;
    const stepReports = cmds.some((_, k) => commandTools[k] && writesReport(cmds, k));
    const nonblocking = (descriptor: ReportDescriptor, t: SecurityTool, report = stepReports): void => {
      // only a report-writing `run:` command can be a report next to a gating run of the same tool; actions are judged alone
      if (!exempt) found.push({ descriptor, family: !action && report ? `${job.id}\0${family(t)}` : undefined });
    };
    const gate = (t: SecurityTool): void => {
      if (!stepSoft && !jobSoft) blocking.add(`${job.id}\0${family(t)}`);
    };

    // continue-on-error: true on the step
    if (coe && stepSoft) {
      nonblocking(
        {
          messageId: 'stepContinueOnError',
          data: { step: stepLabel(step, tool) },
          range: pairRange(ctx, coe),
          fix: replaceScalar(ctx, coe.value as Scalar, 'false', 'Set continue-on-error to false'),
        },
        tool,
      );
    }

    // action inputs that turn failures into warnings
    if (action && step.uses) {
      const ref = step.uses.replace(/@.*$/, '').toLowerCase();
      let soft = false;
      for (const s of SOFT_INPUTS) {
        if (!s.tool.test(ref) || !step.with) continue;
        const pair = mapPair(step.with, s.input, job.doc);
        const value = pair ? scalarString(pair.value) : undefined;
        if (!pair || value === undefined || !s.soft.test(value.trim())) continue;
        soft = true;
        nonblocking(
          {
            messageId: 'softInput',
            data: { tool: action.label, input: s.input, value: value.trim() },
            range: pairRange(ctx, pair),
            fix: replaceScalar(ctx, pair.value as Scalar, s.blocking, `Set ${s.input} to ${s.blocking}`),
          },
          action,
        );
      }
      // Trivy's action exits 0 unless told otherwise: only an explicit non-zero exit-code makes it a gate
      const trivyGate = !/^aquasecurity\/trivy-action$/.test(ref) || /^[1-9]/.test(scalarString(mapGet(step.with, 'exit-code', job.doc))?.trim() ?? '');
      if (!soft && trivyGate) gate(action);
    }

    if (!step.run) continue;
    const run = step.run;
    const script = run.script;
    const map = new ScriptMap(ctx.file.text, run.node, script);
    const lineAt = (scriptOffset: number): [number, number] => {
      const at = map.lineOffset(scriptOffset);
      return [at, ctx.lines.lineEnd(ctx.lines.lineOf(at))];
    };
    const auditFromEnv = auditLevelFromEnv(step);
    for (const t of commandTools) if (t && gatesByScript(script, t)) gate(t);
    cmds.forEach((cmd, i) => {
      const t = commandTools[i];
      if (!t) return;
      const p = programIndex(cmd.words);
      const wrapped = /^(docker|podman|go)$/.test(cmd.words[p].text);
      const command = wrapped ? t.label : cmd.words.slice(p, Math.min(cmd.words.length, p + (t.audit ? 2 : 3))).map((w) => w.text).filter((w) => !w.startsWith('-')).join(' ');
      const words = cmd.words;
      let soft = false;

      // `|| true`, `|| exit 0`, `|| :`, `|| echo …`
      const sw = swallowedBy(cmds, i);
      if (sw) {
        soft = true;
        const before = cmds[sw.before];
        const fb = cmds[sw.fallback];
        const lastWord = before.words[before.words.length - 1];
        // from the end of the guarded command (or its closing parenthesis) to the end of the fallback
        let from = lastWord.end;
        if (before.next === ')' || before.next === '}') from = script.indexOf(before.next, lastWord.end) + 1;
        const to = fb.words[fb.words.length - 1].end;
        const simple = sw.fallback === sw.before + 1 && !script.slice(from, to).includes('\n');
        const span = simple ? map.fileRange(from, to) : undefined;
        const shown = sw.text.length > 30 ? sw.text.slice(0, 27) + '…' : sw.text;
        nonblocking(
          {
            messageId: 'swallowed',
            data: { command, fallback: shown },
            range: lineAt(cmd.start),
            fix: span ? { title: `Remove "|| ${shown}"`, edits: [{ start: span[0], end: span[1], text: '' }] } : undefined,
          },
          t,
          writesReport(cmds, i),
        );
      }

      if (!sw && swallowedByIf(cmds, i)) {
        soft = true;
        nonblocking({ messageId: 'swallowedIf', data: { command }, range: lineAt(cmd.start) }, t, writesReport(cmds, i));
      }
      const into = !sw && defaultShell(step) ? pipedAway(cmds, i, script) : undefined;
      if (into) {
        soft = true;
        nonblocking({ messageId: 'piped', data: { command, into }, range: lineAt(cmd.start) }, t, writesReport(cmds, i));
      }

      // Trivy `--exit-code 0` (Trivy's own default is 0: only an explicit non-zero code gates)
      if (t.label === 'Trivy') {
        const o = optionValue(words, p + 1, ['--exit-code']);
        if (o && o.value !== undefined && /^0$/.test(o.value)) {
          soft = true;
          const valueStart = (o.valueWord ?? o.word).end - 1;
          const span = script[valueStart] === '0' ? map.fileRange(valueStart, valueStart + 1) : undefined;
          nonblocking({ messageId: 'exitCodeZero', range: lineAt(cmd.start), fix: span ? { title: 'Set --exit-code to 1', edits: [{ start: span[0], end: span[1], text: '1' }] } : undefined }, t);
        } else if (!o || !/^[1-9]/.test(o.value ?? '')) soft = true;
      }

      // checkov / tfsec `--soft-fail`
      if (t.label === 'checkov' || t.label === 'tfsec') {
        const w = words.find((x) => x.text === '--soft-fail');
        if (w) {
          soft = true;
          const span = script[w.start - 1] === ' ' ? map.fileRange(w.start - 1, w.end) : undefined;
          nonblocking({ messageId: 'softFlag', data: { tool: t.label, flag: '--soft-fail' }, range: lineAt(cmd.start), fix: span ? { title: 'Remove --soft-fail', edits: [{ start: span[0], end: span[1], text: '' }] } : undefined }, t);
        }
      }

      // npm / pnpm audit levels
      if (t.audit === 'npm' || t.audit === 'pnpm') {
        const rest = words.slice(p + 2).map((w) => w.text);
        if (!rest.includes('signatures')) {
          const o = optionValue(words, p + 2, ['--audit-level']);
          if (o && o.value !== undefined && /^none$/i.test(o.value)) {
            soft = true;
            const w = o.valueWord ?? o.word;
            const vStart = w.end - 4;
            const span = /^none$/i.test(script.slice(vStart, w.end)) ? map.fileRange(vStart, w.end) : undefined;
            nonblocking({ messageId: 'auditLevelNone', data: { command }, range: lineAt(cmd.start), fix: span ? { title: 'Set --audit-level=high', edits: [{ start: span[0], end: span[1], text: 'high' }] } : undefined }, t);
          } else if (!o && !auditFromEnv && !rest.includes('--json')) {
            const auditWord = words[p + 1];
            const at = map.fileOffset(auditWord.end);
            const ok = at !== undefined && ctx.file.text.slice(at - 5, at) === 'audit';
            // not subject to the "reported elsewhere" exemptions: it is about the level, not about blocking
            found.push({
              descriptor: { messageId: 'noAuditLevel', data: { command }, range: lineAt(cmd.start), fix: ok ? { title: 'Add --audit-level=high', edits: [{ start: at!, end: at!, text: ' --audit-level=high' }] } : undefined },
            });
          }
        }
      }
      if (!soft) gate(t);
    });
  }

  // continue-on-error: true on a job that runs a security check
  if (jobCoe && jobTool && jobSoft) {
    found.push({
      descriptor: {
        messageId: 'jobContinueOnError',
        data: { job: job.id, tool: jobTool.label },
        range: pairRange(ctx, jobCoe),
        fix: replaceScalar(ctx, jobCoe.value as Scalar, 'false', 'Set continue-on-error to false'),
      },
      family: family(jobTool),
    });
  }
}
