import { appendToMap, defineRule, isMap, isScalar, isSeq, mapGet, mapPair, scalarString, type Fix, type RuleContext, type YAMLMap } from '../../server/src/engine/api';
import { jobSteps, workflowJobs, type WorkflowJob } from '../_lib/workflows';
import { deployAction, deployCommand, shellCommands, type DeployCommand } from '../_lib/workflowCommands';

/** Words that name a throwaway or pre-release target: the deploy is not to staging or production. */
const NON_PROD = new Set(['dev', 'develop', 'development', 'devel', 'preview', 'previews', 'review', 'reviews', 'sandbox', 'test', 'tests', 'testing', 'qa', 'ephemeral', 'feature', 'features', 'pr', 'prs', 'e2e', 'local', 'tmp', 'temp', 'experimental', 'nightly', 'scratch', 'playground']);
const STAGING = new Set(['staging', 'stage', 'stg', 'uat', 'preprod', 'pre-prod', 'preproduction']);
const PROD = new Set(['prod', 'production', 'prd', 'live']);

/** `deploy-dev`, `deployToStaging`, `myapp-pr-${{ github.event.number }}` → lower-case words */
function words(text: string): string[] {
  const out: string[] = [];
  const cleaned = text
    .replace(/\$\{\{[^}]*\}\}/g, ' ')
    // option names (`--stage prod`: the value counts, not the flag), hosts and image references (`pkg.dev`)
    .replace(/(^|\s)--?[A-Za-z][\w-]*/g, ' ')
    .replace(/[\w-]+(\.[\w-]+)*\.(io|dev|com|net|org|app|cloud|co|sh|ai|me|run)(?=[/:@\s]|$)[^\s]*/g, ' ');
  for (const token of cleaned.split(/[^A-Za-z0-9]+/)) {
    if (!token) continue;
    out.push(token.toLowerCase());
    // `deployToStaging`, `apiProd`: the last camel-case segment (not `DevOps`)
    const camel = /[a-z0-9]([A-Z][a-z]+)$/.exec(token);
    if (camel) out.push(camel[1].toLowerCase());
  }
  return out;
}

type Target = 'production' | 'staging' | 'nonprod' | 'unknown';

/** Words that are also pipeline stages (`build-test-deploy`): in names they count only after a deploy word. */
const STAGE_WORDS = new Set(['test', 'tests', 'testing', 'e2e']);

function targetOf(texts: readonly string[], names = false): Target {
  const w = new Set<string>();
  for (const t of texts) {
    const ws = words(t);
    const deployAt = ws.findIndex((x) => /^(deploy|deployment|deploys|deploying|release|env|environment|to)$/.test(x));
    ws.forEach((x, k) => {
      if (names && STAGE_WORDS.has(x) && (deployAt < 0 || k < deployAt)) return;
      w.add(x);
    });
  }
  // `pre-prod` splits into pre + prod
  if ([...w].some((x) => STAGING.has(x)) || (w.has('pre') && w.has('prod'))) return 'staging';
  if ([...w].some((x) => PROD.has(x))) return 'production';
  if ([...w].some((x) => NON_PROD.has(x))) return 'nonprod';
  return 'unknown';
}

/** The workflow's triggers, as event names. */
function triggers(doc: WorkflowJob['doc']): string[] {
  const on = mapGet(doc.contents, 'on', doc);
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.map((i) => scalarString(i) ?? '').filter(Boolean);
  if (isMap(on)) return (on as YAMLMap).items.map((i) => scalarString(i.key) ?? '').filter(Boolean);
  return [];
}

/** `on: pull_request: types: [closed]` only */
function prClosedOnly(doc: WorkflowJob['doc']): boolean {
  const on = mapGet(doc.contents, 'on', doc);
  for (const ev of ['pull_request', 'pull_request_target']) {
    const types = mapGet(mapGet(on, ev, doc), 'types', doc);
    const list = isSeq(types) ? types.items.map((i) => scalarString(i)) : isScalar(types) ? [scalarString(types)] : [];
    if (list.length && list.every((t) => t === 'closed')) return true;
  }
  return false;
}

const LOCAL_CLUSTER_ACTIONS = /^(helm\/kind-action|engineerd\/setup-kind|container-tools\/kind-action|medyagh\/setup-minikube|manusa\/actions-setup-minikube|absaoss\/k3d-action|nolar\/setup-k3d-k3s|debianmaster\/actions-k3s|jupyterhub\/action-k3s-helm|rancher\/k3d-action)$/i;

/** The job makes its own throwaway cluster or swarm (kind, minikube, k3d, `docker swarm init`): deploys into it are tests. */
function createsLocalCluster(job: WorkflowJob): boolean {
  for (const s of jobSteps(job)) {
    if (s.uses && LOCAL_CLUSTER_ACTIONS.test(s.uses.replace(/@.*$/, ''))) return true;
    if (s.run && /\b(kind\s+create\s+cluster|minikube\s+start|k3d\s+cluster\s+create|ctlptl\s+create|microk8s|k3s\s+server|docker\s+swarm\s+init|kwok|vcluster\s+create)\b/.test(s.run.script)) return true;
  }
  return false;
}

const CLUSTER_LABELS = /^(kubectl|oc|helm|helmfile|docker stack deploy|docker service update|skaffold|argocd)/;

interface Found {
  readonly deploy: DeployCommand;
  readonly stepName: string | undefined;
}

function deploysOf(job: WorkflowJob): Found[] {
  const out: Found[] = [];
  for (const s of jobSteps(job)) {
    const inputs: Record<string, string> = {};
    if (s.with) for (const it of s.with.items) inputs[scalarString(it.key) ?? ''] = scalarString(it.value) ?? '';
    const a = deployAction(s.uses, inputs);
    if (a) out.push({ deploy: a, stepName: s.name });
    if (s.run) {
      for (const c of shellCommands(s.run.script)) {
        const d = deployCommand(c.words);
        if (!d) continue;
        out.push({ deploy: d, stepName: s.name });
      }
    }
  }
  return out;
}

export default defineRule({
  id: 'deploy-without-approval',
  title: 'Deploy job without an environment',
  summary: 'A workflow job deploys to staging or production without an environment, so no approval or protection rule applies.',
  severity: 'error',
  kinds: ['workflow'],
  scope: 'file',
  checklist: '003 §4.2',
  fixable: true,
  hasSuggestions: false,
  messages: {
    noEnvironment: 'Job "{{job}}" deploys with {{tool}} but has no environment, so no approval or branch rule applies.',
    noEnvironmentStaging: 'Job "{{job}}" deploys to staging with {{tool}} but has no environment, so no approval or branch rule applies.',
  },
  textHint: /deploy|kubectl|\boc\b|helm|fly|vercel|\bnow\b|netlify|railway|ssh|rsync|scp|sftp|ftp|serverless|sls|firebase|wrangler|gcloud|\baz\b|azure|heroku|terraform|tofu|terragrunt|pulumi|ecs|lambda|cloudformation|cloudfront|apprunner|amplify|beanstalk|\beb\b|supabase|dokku|kamal|argocd|skaffold|okteto|caprover|cf push|docker|ansible|convex|zappa|digitalocean|doctl|git\s+push|copilot|\bsam\b|cdk|sst|\bfunc\b|mina|\bcap\b|\bdep\b|render/i,
  check(ctx) {
    const fileBase = ctx.file.path.split('/').pop() ?? '';
    for (const job of workflowJobs(ctx)) {
      // a reusable-workflow call: the called workflow's jobs carry (or lack) the environment
      if (mapGet(job.def, 'uses', job.doc) !== undefined) continue;
      if (mapPair(job.def, 'environment', job.doc)) continue;
      let found = deploysOf(job);
      if (!found.length) continue;
      if (createsLocalCluster(job)) found = found.filter((f) => !CLUSTER_LABELS.test(f.deploy.label));
      // `./script/deploy.sh` may publish anything; `npm run deploy:prod` / `deploy.sh staging` name their target
      found = found.filter((f) => !f.deploy.weak || /^(production|staging)$/.test(targetOf([f.deploy.target])));
      if (!found.length) continue;

      const wfName = scalarString(mapGet(job.doc.contents, 'name', job.doc)) ?? '';
      const jobName = scalarString(mapGet(job.def, 'name', job.doc)) ?? '';
      const explicitProd = found.some((f) => f.deploy.explicitProd);
      const deployTexts = found.flatMap((f) => [f.deploy.target, f.stepName ?? '']);
      const jobTarget = targetOf([job.id, jobName], true);
      const deployTarget = targetOf(deployTexts);
      const wfTarget = targetOf([wfName, fileBase.replace(/\.ya?ml$/, '')], true);
      let target: Target = explicitProd ? 'production' : 'unknown';
      for (const t of [jobTarget, deployTarget, wfTarget]) {
        if (target === 'unknown') target = t;
      }
      if (explicitProd && (jobTarget === 'staging' || deployTarget === 'staging')) target = 'staging';
      if (target === 'nonprod') continue;
      if (target === 'unknown') {
        // deploys that run only for pull requests are previews
        const on = triggers(job.doc);
        const cond = scalarString(mapGet(job.def, 'if', job.doc)) ?? '';
        const prOnly = on.length > 0 && on.every((e) => /^pull_request(_target)?$/.test(e));
        // …but not `pull_request: types: [closed]` + `merged == true`: that is the merge, deployed
        const merged = /\.merged\b/.test(cond) || prClosedOnly(job.doc);
        const prJob = /github\.event_name\s*==\s*['"]pull_request/.test(cond);
        if ((prOnly || prJob) && !merged) continue;
        target = 'production';
      }
      const tool = found[0].deploy.label;
      const env = target === 'staging' ? 'staging' : 'production';
      const start = job.key.range?.[0] ?? 0;
      ctx.report({
        messageId: target === 'staging' ? 'noEnvironmentStaging' : 'noEnvironment',
        data: { job: job.id, tool },
        range: [start, job.key.range?.[1] ?? start],
        fix: environmentFix(ctx, job, env),
      });
    }
  },
});

/** `environment: production` as a new key of the job: after `runs-on` when it is there, else at the end. */
function environmentFix(ctx: RuleContext, job: WorkflowJob, env: string): Fix | undefined {
  const title = `Add "environment: ${env}"`;
  if (job.def.flow) return undefined;
  const runsOn = mapPair(job.def, 'runs-on', job.doc);
  const eol = ctx.file.text.includes('\r\n') ? '\r\n' : '\n';
  if (runsOn?.key.range) {
    const keyStart = runsOn.key.range[0];
    const keyLine = ctx.lines.lineOf(keyStart);
    const col = keyStart - ctx.lines.lineStart(keyLine);
    const v = runsOn.value as { range?: [number, number, number] } | null;
    let end = v?.range ? v.range[1] : runsOn.key.range[1];
    while (end > keyStart && /\s/.test(ctx.file.text[end - 1])) end--;
    const line = ctx.lines.lineOf(Math.max(keyStart, end - 1));
    // the key must be the first thing on its line (not `{ runs-on: … }` or `- runs-on:`)
    if (ctx.lines.lineText(keyLine).slice(0, col).trim() === '') {
      const at = ctx.lines.lineEnd(line);
      return { title, edits: [{ start: at, end: at, text: `${eol}${' '.repeat(col)}environment: ${env}` }] };
    }
  }
  const edit = appendToMap(ctx.file.text, ctx.lines, job.def, [`environment: ${env}`], eol);
  return edit ? { title, edits: [edit] } : undefined;
}
