import { defineRule, isMap, isScalar, isSeq, mapGet, scalarString, type Fix, type RuleContext, type Scalar, type YAMLMap } from '../../server/src/engine/api';
import { jobSteps, workflowJobs } from '../_lib/workflows';
import {
  bareHost,
  classifyHost,
  copyDestinations,
  dockerRunCommand,
  findUrls,
  programName,
  remoteHost,
  ScriptMap,
  shellCommands,
  sshDestination,
  type ShellCommand,
  type ShellWord,
  type UrlMatch,
} from '../_lib/workflowCommands';

/** Env / input names that hold an address: `API_URL`, `DEPLOY_HOST`, `webhook_url`, `host`, `target`. */
const ADDRESS_NAME = /(^|[_.-])(url|uri|urls|host|hostname|hosts|endpoint|server|origin|domain|address|addr|ip|webhook|target|base)($|[_.-])|(url|uri|host|hostname|endpoint|server|origin|domain|address|webhook)$/i;
/** …unless they name a package index, a registry, a proxy, a documentation page or a repository */
const NOT_AN_ENVIRONMENT = /registry|index|mirror|proxy|repo|repository|download|install|cdn|docs?|doc_url|help|issue|schema|homepage|badge|license|changelog|release[_-]?notes|image|chart|sentry|dsn|otel|otlp|telemetry|posthog|analytics|segment|mixpanel|turbo|sonar|codecov|coveralls|slack_channel|github|git_|npm|pypi|maven|gradle|artifactory|nexus|storybook|chromatic|percy|browserstack|ngrok/i;

/** Vendor webhook and deploy-hook URLs: the URL is the credential. */
const WEBHOOKS: [RegExp, string][] = [
  [/^https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\//i, 'Slack webhook'],
  [/^https:\/\/(ptb\.|canary\.)?discord(app)?\.com\/api\/webhooks\//i, 'Discord webhook'],
  [/^https:\/\/([\w-]+\.)?webhook\.office\.com\/|^https:\/\/outlook\.office(365)?\.com\/webhook/i, 'Microsoft Teams webhook'],
  [/^https:\/\/api\.telegram\.org\/bot\d+:/i, 'Telegram bot API'],
  [/^https:\/\/chat\.googleapis\.com\/v1\/spaces\/[^?]+\/messages\?.*key=/i, 'Google Chat webhook'],
  [/^https:\/\/api\.netlify\.com\/build_hooks\/\w/i, 'Netlify build hook'],
  [/^https:\/\/api\.vercel\.com\/v1\/integrations\/deploy\/\w/i, 'Vercel deploy hook'],
  [/^https:\/\/api\.render\.com\/deploy\/srv-\w/i, 'Render deploy hook'],
];

function webhookVendor(url: string): string | undefined {
  // `https://hooks.slack.com/services/${{ secrets.SLACK_PATH }}`: the secret part is not written here
  if (/\$/.test(url)) return undefined;
  for (const [re, vendor] of WEBHOOKS) if (re.test(url)) return vendor;
  return undefined;
}

/** Request tools whose URL arguments are the request's target. */
const REQUEST_TOOLS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'xhs', 'httpie', 'wait-on', 'lighthouse', 'ab', 'hey', 'wrk', 'oha', 'k6', 'websocat', 'grpcurl', 'nc', 'newman', 'hurl']);
/** curl/wget options whose value is not the target */
const CURL_VALUE_OPTS = new Set([
  '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '-F', '--form', '-u', '--user', '-A', '--user-agent', '-e', '--referer',
  '-x', '--proxy', '-o', '--output', '-w', '--write-out', '-b', '--cookie', '-c', '--cookie-jar', '--cacert', '--cert', '--key', '-T', '--upload-file', '-X', '--request',
  '--retry', '--retry-delay', '--retry-max-time', '--max-time', '-m', '--connect-timeout', '-K', '--config', '--resolve', '--connect-to', '--header-file', '-O', '--output-document',
  '--post-data', '--body-data', '--method', '-t', '--tries', '-T', '--timeout', '-P', '--directory-prefix', '--oauth2-bearer', '--aws-sigv4', '--variable', '--expand-url',
]);
const SHELL_SINKS = /^(sh|bash|zsh|dash|python\d?(\.\d+)?|node|sudo|tar|bsdtar|gunzip|funzip|unzip|gpg|apt-key|dd|dpkg|xz|zcat|install|perl|ruby|pwsh|iex)$/;
const DOWNLOAD_PATH = /\.(sh|bash|ps1|tar|tgz|gz|xz|bz2|zst|zip|7z|deb|rpm|apk|gpg|asc|key|pem|crt|pub|exe|msi|dmg|pkg|jar|war|whl|appimage|bin|vsix|iso|img|sha256|sha512|sig|py|rb|js|mjs|json|ya?ml|toml|txt|md|csv|sql|wasm|so|dylib)$/i;

function isDownload(cmd: ShellCommand, cmds: readonly ShellCommand[], i: number, name: string, url: UrlMatch): boolean {
  const words = cmd.words.map((w) => w.text);
  if (name === 'curl' || name === 'wget') {
    if (name === 'wget' && words.includes('--spider')) return false;
    const toFile = words.some((w, k) => {
      if (w === '-o' || w === '--output' || w === '--output-document' || w === '-O') {
        const v = words[k + 1];
        return name === 'curl' ? w === '-O' || (v !== '/dev/null' && v !== '-') : v !== '-' && v !== '/dev/null';
      }
      if (/^--(remote-name|remote-name-all|output=|output-document=)/.test(w)) return !/=(-|\/dev\/null)$/.test(w);
      // curl short groups: `-fsSLO`, `-sLo file`
      if (name === 'curl' && /^-[a-zA-Z]+$/.test(w) && /[oO]/.test(w.slice(1))) return !(w.endsWith('o') && (words[k + 1] === '/dev/null' || words[k + 1] === '-'));
      if (name === 'wget' && /^-[a-zA-Z]*O$/.test(w)) return words[k + 1] !== '-' && words[k + 1] !== '/dev/null';
      return false;
    });
    if (toFile) return true;
    const path = url.url.slice(url.originEnd).replace(/[?#].*$/, '');
    if (DOWNLOAD_PATH.test(path) || /\/releases\/download\//.test(path) || /\/(install|get|setup)(\.sh)?\/?$/.test(path)) return true;
    if (name === 'wget' && !words.some((w) => /^-[a-zA-Z]*O-?$/.test(w) || w === '-O' || w === '--spider' || w === '-q' || w === '--quiet' || w.startsWith('--method'))) {
      // a bare `wget URL` saves the page: a download unless it reads like a health check
      if (!/health|status|ping|ready|live|version|api\//i.test(path)) return true;
    }
  }
  // piped into a shell or an unpacker
  for (let k = i; k < cmds.length && cmds[k].next === '|'; k++) {
    const next = cmds[k + 1];
    const p = next ? programName(next.words) : undefined;
    if (p && SHELL_SINKS.test(p.name)) return true;
  }
  return false;
}

export default defineRule({
  id: 'hardcoded-url-in-workflow',
  title: 'Environment URL hard-coded in a workflow',
  summary: "A workflow hard-codes a URL, host or IP of the project's own environments instead of reading it from variables or secrets.",
  severity: 'warning',
  kinds: ['workflow'],
  scope: 'file',
  checklist: '003 §4.1',
  fixable: false,
  hasSuggestions: true,
  messages: {
    hardcodedValue: '{{name}} hard-codes the environment address {{host}}.',
    hardcodedTarget: '{{command}} targets the hard-coded environment address {{host}}.',
    hardcodedWebhook: 'The {{vendor}} URL is written into the workflow instead of a secret.',
  },
  textHint: /:\/\/|@|\d+\.\d+\.\d+\.\d+|url|uri|host|server|endpoint|target|domain|addr|origin|ip|base|webhook|ssh|scp|rsync|sftp|keyscan/i,
  check(ctx) {
    const docTest = new Map<unknown, boolean>();
    for (const doc of ctx.yaml.documents) {
      const env = mapGet(doc.contents, 'env', doc);
      docTest.set(doc, configuresTests(env));
      if (!configuresTests(env)) checkMap(ctx, env, 'env', undefined);
    }
    for (const job of workflowJobs(ctx)) {
      // env of an app under test (`NODE_ENV: test`, `RAILS_ENV: test`) configures that app, it targets nothing
      const jobEnv = mapGet(job.def, 'env', job.doc);
      const testJob = docTest.get(job.doc) === true || configuresTests(jobEnv);
      if (!testJob) checkMap(ctx, jobEnv, 'env', undefined);
      // `strategy.matrix.include: [{ env: staging, url: https://staging.acme.com }]`
      const matrix = mapGet(mapGet(job.def, 'strategy', job.doc), 'matrix', job.doc);
      const include = mapGet(matrix, 'include', job.doc);
      if (isSeq(include)) for (const entry of include.items) checkMap(ctx, entry, 'matrix', undefined);
      const jobUses = scalarString(mapGet(job.def, 'uses', job.doc));
      checkMap(ctx, mapGet(job.def, 'with', job.doc), 'with', jobUses);
      for (const step of jobSteps(job)) {
        const stepEnv = mapGet(step.step, 'env', job.doc);
        if (!testJob && !configuresTests(stepEnv)) checkMap(ctx, stepEnv, 'env', undefined);
        if (step.with) checkMap(ctx, step.with, 'with', step.uses);
        if (step.run) checkRun(ctx, step.run.script, step.run.node);
      }
    }
  },
});

/** An env map that puts an app in its test mode. */
function configuresTests(map: unknown): boolean {
  if (!isMap(map)) return false;
  return (map as YAMLMap).items.some((it) => /^(NODE_ENV|RAILS_ENV|RACK_ENV|APP_ENV|MIX_ENV|FLASK_ENV|ENV|ENVIRONMENT|APP_ENVIRONMENT|GO_ENV|SPRING_PROFILES_ACTIVE)$/.test(scalarString(it.key) ?? '') && /^(test|testing|ci|e2e)$/i.test((scalarString(it.value) ?? '').trim()));
}

function shortHost(host: string): string {
  return host.length > 60 ? host.slice(0, 57) + '…' : host;
}

/** `${{ vars.API_URL }}`-style name for a key: `api_url` → `API_URL`, `host` → `DEPLOY_HOST`. */
function varName(key: string, kind: 'url' | 'host'): string {
  const k = key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  if (!k || /^(URL|URI|HOST|HOSTNAME|SERVER|TARGET|ENDPOINT|ADDRESS|IP)$/.test(k)) return kind === 'host' ? 'DEPLOY_HOST' : 'DEPLOYMENT_URL';
  return /^\d/.test(k) ? `V_${k}` : k;
}

function replaceValueSuggestion(ctx: RuleContext, node: Scalar, name: string): Fix[] {
  if (!node.range) return [];
  const src = ctx.file.text.slice(node.range[0], node.range[1]);
  if (src.includes('\n') || /^[|>]/.test(src)) return [];
  const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
  return [{ title: `Read it from \${{ vars.${name} }}`, edits: [{ start: node.range[0], end: node.range[1], text: `${q}\${{ vars.${name} }}${q}` }] }];
}

/** An `env:` or `with:` map: values of address-named keys, and values that are one URL. */
function checkMap(ctx: RuleContext, map: unknown, kind: 'env' | 'with' | 'matrix', uses: string | undefined): void {
  if (!isMap(map)) return;
  for (const item of (map as YAMLMap).items) {
    if (!isScalar(item.key) || !isScalar(item.value)) continue;
    const key = String(item.key.value);
    const node = item.value as Scalar;
    const value = typeof node.value === 'string' ? node.value : undefined;
    if (value === undefined || !node.range) continue;
    const trimmed = value.trim();
    if (/^\$\{\{[\s\S]*\}\}$/.test(trimmed) && !/\}\}[\s\S]*\$\{\{/.test(trimmed)) continue; // wholly an expression, fallback literal included
    const addressName = ADDRESS_NAME.test(key) && !NOT_AN_ENVIRONMENT.test(key);
    const label = kind === 'env' ? key : kind === 'matrix' ? `Matrix value "${key}"` : `Input "${key}"${uses ? ` of ${uses.replace(/@.*$/, '')}` : ''}`;
    const urls = findUrls(value);
    // webhooks are findings whatever the key says
    const hook = urls.map((u) => ({ u, vendor: webhookVendor(u.url) })).find((x) => x.vendor);
    if (hook) {
      ctx.report({ messageId: 'hardcodedWebhook', data: { vendor: hook.vendor! }, range: valueRange(ctx, node, hook.u), suggestions: secretSuggestion(ctx, node, key) });
      continue;
    }
    if (!addressName) continue;
    if (addressName && urls.length) {
      // lists (`urls: |`) report each own URL on its line; one value reports once
      const seenLines = new Set<number>();
      for (const u of urls) {
        if (classifyHost(u.host) !== 'own') continue;
        const range = valueRange(ctx, node, u);
        const line = ctx.lines.lineOf(range[0]);
        if (seenLines.has(line)) continue;
        seenLines.add(line);
        ctx.report({
          messageId: 'hardcodedValue',
          data: { name: label, host: shortHost(u.host) },
          range,
          suggestions: urls.length === 1 ? replaceValueSuggestion(ctx, node, varName(key, 'url')) : [],
        });
        if (urls.length === 1) break;
      }
      continue;
    }
    // a bare host or IP: `SSH_HOST: 203.0.113.7`, `host: deploy.acme.com`
    const host = bareHost(trimmed);
    if (host && addressName && classifyHost(host) === 'own' && !/^v?\d+\.\d+\.\d+$/.test(host)) {
      ctx.report({ messageId: 'hardcodedValue', data: { name: label, host: shortHost(host) }, range: [node.range[0], node.range[1]], suggestions: replaceValueSuggestion(ctx, node, varName(key, 'host')) });
    }
  }
}

function secretSuggestion(ctx: RuleContext, node: Scalar, key: string): Fix[] {
  const name = key.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase() || 'WEBHOOK_URL';
  if (!node.range) return [];
  const src = ctx.file.text.slice(node.range[0], node.range[1]);
  if (src.includes('\n')) return [];
  const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
  const inner = q ? src.slice(1, -1) : src;
  const urls = findUrls(inner);
  if (urls.length !== 1 || urls[0].url !== inner.trim()) return [];
  return [{ title: `Read it from \${{ secrets.${name} }}`, edits: [{ start: node.range[0], end: node.range[1], text: `${q}\${{ secrets.${name} }}${q}` }] }];
}

/** The file range of a URL inside an env/with value: exact on one-line values, else the line holding it. */
function valueRange(ctx: RuleContext, node: Scalar, u: UrlMatch): [number, number] {
  const value = String(node.value);
  const map = new ScriptMap(ctx.file.text, node, value);
  const exact = map.fileRange(u.start, u.end);
  if (exact) return exact;
  const at = map.lineOffset(u.start);
  const line = ctx.lines.lineOf(at);
  const lineText = ctx.lines.lineText(line);
  const col = lineText.indexOf(u.url);
  if (col >= 0) {
    const s = ctx.lines.lineStart(line) + col;
    return [s, s + u.url.length];
  }
  return [at, ctx.lines.lineEnd(line)];
}

// ── run scripts ──────────────────────────────────────────────────────────────────────────────────

interface Target {
  readonly word: ShellWord;
  /** offsets of the address inside the script */
  readonly start: number;
  readonly end: number;
  readonly host: string;
  readonly command: string;
  readonly kind: 'url' | 'host' | 'assign';
  readonly name?: string;
  readonly vendor?: string;
}

function checkRun(ctx: RuleContext, script: string, node: Scalar): void {
  const cmds = shellCommands(script);
  const targets: Target[] = [];
  cmds.forEach((cmd, i) => collectTargets(cmd, cmds, i, script, targets));
  const seen = new Set<number>();
  const map = targets.length ? new ScriptMap(ctx.file.text, node, script) : undefined;
  for (const t of targets) {
    const exact = map!.fileRange(t.start, t.end);
    const range: [number, number] = exact ?? locate(ctx, node, map!, script, t.start, t.end);
    const line = ctx.lines.lineOf(range[0]);
    if (seen.has(line)) continue;
    seen.add(line);
    if (t.vendor) {
      ctx.report({ messageId: 'hardcodedWebhook', data: { vendor: t.vendor }, range });
      continue;
    }
    const suggestions: Fix[] = [];
    if (exact) {
      const name = t.kind === 'assign' && t.name ? t.name : t.kind === 'host' ? 'DEPLOY_HOST' : 'DEPLOYMENT_URL';
      suggestions.push({ title: `Read it from \${{ vars.${name} }}`, edits: [{ start: exact[0], end: exact[1], text: `\${{ vars.${name} }}` }] });
    }
    if (t.kind === 'assign') ctx.report({ messageId: 'hardcodedValue', data: { name: t.name!, host: shortHost(t.host) }, range, suggestions });
    else ctx.report({ messageId: 'hardcodedTarget', data: { command: t.command, host: shortHost(t.host) }, range, suggestions });
  }
}

/**
 * Where a script span is in the file when the scalar does not hold the script verbatim (folded blocks,
 * escapes): the same text's occurrence among the scalar's source, else the script line's start.
 */
function locate(ctx: RuleContext, node: Scalar, map: ScriptMap, script: string, start: number, end: number): [number, number] {
  const text = script.slice(start, end);
  const range = node.range;
  if (range && text) {
    let nth = 0;
    for (let at = script.indexOf(text); at >= 0 && at < start; at = script.indexOf(text, at + 1)) nth++;
    let at = ctx.file.text.indexOf(text, range[0]);
    while (at >= 0 && at < range[1] && nth-- > 0) at = ctx.file.text.indexOf(text, at + 1);
    if (at >= 0 && at + text.length <= range[1]) return [at, at + text.length];
  }
  const at = map.lineOffset(start);
  return [at, ctx.lines.lineEnd(ctx.lines.lineOf(at))];
}

const URL_OPTION = /^--?([\w.-]*?)(url|uri|host|server|endpoint|origin|domain|address|webhook|apiserver)$/i;
const ASSIGN = /^([A-Z][A-Z0-9_]*)=(.*)$/s;

function collectTargets(cmd: ShellCommand, cmds: readonly ShellCommand[], i: number, script: string, out: Target[]): void {
  const p = programName(cmd.words);
  const words = cmd.words;
  const name = p?.name ?? '';
  const from = p ? p.index + 1 : words.length;
  const push = (t: Target): void => {
    out.push(t);
  };
  /** the URL's origin (`https://api.acme.com`) in the script, for a word written without escapes */
  const urlTargets = (w: ShellWord, command: string, onlyOwn = true): void => {
    const raw = script.slice(w.start, w.end);
    for (const u of findUrls(raw)) {
      const vendor = webhookVendor(u.url);
      if (vendor) {
        push({ word: w, start: w.start + u.start, end: w.start + u.end, host: u.host, command, kind: 'url', vendor });
        continue;
      }
      if (onlyOwn && classifyHost(u.host) !== 'own') continue;
      push({ word: w, start: w.start + u.start, end: w.start + u.originEnd, host: u.host, command, kind: 'url' });
    }
  };

  // `API_URL=https://api.acme.com pnpm build`, `export DEPLOY_HOST=203.0.113.7`, `echo "API_URL=…" >> $GITHUB_ENV`
  const isDocker = name === 'docker' || name === 'podman' || name === 'docker-compose';
  words.forEach((w, k) => {
    const m = ASSIGN.exec(w.text);
    if (!m) return;
    // container env and build args (`docker run -e`, `COMMON_ENV=(-e A=b)`, `--build-arg`) configure a local process
    if (/^(-e|--env|--build-arg|--set|--set-string|--set-env-vars|--update-env-vars|--env-vars)$/.test(words[k - 1]?.text ?? '')) return;
    if (!ADDRESS_NAME.test(m[1]) || NOT_AN_ENVIRONMENT.test(m[1])) return;
    const raw = script.slice(w.start, w.end);
    const valueAt = raw.indexOf('=') + 1;
    const value = m[2];
    const urls = findUrls(value);
    const hook = urls.find((u) => webhookVendor(u.url));
    if (hook) {
      push({ word: w, start: w.start + valueAt, end: w.end, host: hook.host, command: m[1], kind: 'assign', name: m[1], vendor: webhookVendor(hook.url) });
      return;
    }
    const host = urls.length === 1 ? urls[0].host : bareHost(value);
    if (!host || classifyHost(host) !== 'own' || /^v?\d+\.\d+\.\d+$/.test(host)) return;
    // the value's span as written (quotes stripped when the whole word is quoted)
    let vs = w.start + valueAt;
    let ve = w.end;
    if (/^["']/.test(script[vs]) && script[ve - 1] === script[vs]) {
      vs++;
      ve--;
    } else if (/^["']/.test(script[w.start]) && script[ve - 1] === script[w.start]) ve--;
    push({ word: w, start: vs, end: ve, host, command: m[1], kind: 'assign', name: m[1] });
  });
  if (!p) return;

  if (REQUEST_TOOLS.has(name)) {
    for (let k = from; k < words.length; k++) {
      const t = words[k].text;
      if ((name === 'curl' || name === 'wget') && CURL_VALUE_OPTS.has(t)) {
        k++;
        continue;
      }
      if (t.startsWith('-') && !/^--url=/.test(t)) continue;
      const w = words[k];
      for (const u of findUrls(script.slice(w.start, w.end))) {
        const vendor = webhookVendor(u.url);
        if (vendor) {
          push({ word: w, start: w.start + u.start, end: w.start + u.end, host: u.host, command: name, kind: 'url', vendor });
          continue;
        }
        if (classifyHost(u.host) !== 'own') continue;
        if (isDownload(cmd, cmds, i, name, u)) continue;
        push({ word: w, start: w.start + u.start, end: w.start + u.originEnd, host: u.host, command: name, kind: 'url' });
      }
    }
    return;
  }

  if (name === 'ssh' || name === 'ssh-keyscan' || name === 'sftp' || name === 'mosh') {
    const dests = name === 'ssh-keyscan' ? words.slice(from).filter((w) => !w.text.startsWith('-') && !/^\d+$/.test(w.text)) : [sshDestination(words, from)].filter((w): w is ShellWord => !!w);
    for (const d of dests) {
      const host = remoteHost(d.text);
      if (!host || classifyHost(host) !== 'own' || /github|gitlab|bitbucket/.test(host)) continue;
      const raw = script.slice(d.start, d.end);
      const at = raw.indexOf(host);
      if (at < 0) continue;
      push({ word: d, start: d.start + at, end: d.start + at + host.length, host, command: name, kind: 'host' });
    }
  }
  if (name === 'scp' || name === 'rsync') {
    for (const d of copyDestinations(words, from)) {
      const host = remoteHost(d.text);
      if (!host || classifyHost(host) !== 'own' || /github|gitlab|bitbucket/.test(host)) continue;
      const raw = script.slice(d.start, d.end);
      const at = raw.indexOf(host);
      if (at < 0) continue;
      push({ word: d, start: d.start + at, end: d.start + at + host.length, host, command: name, kind: 'host' });
    }
  }
  if (name === 'git') {
    const sub = words.slice(from).find((w) => !w.text.startsWith('-'))?.text;
    if (sub === 'push' || sub === 'remote') {
      for (const w of words.slice(from)) {
        if (/^[\w.-]+@[\w.-]+:/.test(w.text) && !/github|gitlab|bitbucket/.test(w.text)) {
          const host = remoteHost(w.text);
          if (host && classifyHost(host) === 'own') {
            const raw = script.slice(w.start, w.end);
            const at = raw.indexOf(host);
            if (at >= 0) push({ word: w, start: w.start + at, end: w.start + at + host.length, host, command: `git ${sub}`, kind: 'host' });
          }
        } else urlTargets(w, `git ${sub}`);
      }
    }
  }

  // database clients and other commands given a URL or host option: `psql postgres://…`, `kubectl --server=https://…`
  const inner = name === 'docker' || name === 'podman' ? dockerRunCommand(words, from + 1) : undefined;
  for (let k = from; k < words.length; k++) {
    const w = words[k];
    const t = w.text;
    if (inner && k >= words.indexOf(inner.imageWord)) break;
    const opt = /^(--?[\w.-]+)(?:=(.*))?$/s.exec(t);
    if (opt && (URL_OPTION.test(opt[1]) || (isDocker && opt[1] === '-H')) && !NOT_AN_ENVIRONMENT.test(opt[1]) && !(name === 'curl' || name === 'wget')) {
      const valueWord = opt[2] !== undefined ? w : words[k + 1];
      if (!valueWord) continue;
      const value = opt[2] !== undefined ? opt[2] : valueWord.text;
      const offset = opt[2] !== undefined ? script.slice(w.start, w.end).indexOf('=') + 1 : 0;
      const urls = findUrls(value);
      if (urls.length) {
        for (const u of urls) {
          if (classifyHost(u.host) !== 'own') continue;
          const raw = script.slice(valueWord.start, valueWord.end);
          const at = raw.indexOf(u.url);
          if (at < 0) continue;
          push({ word: valueWord, start: valueWord.start + at, end: valueWord.start + at + (u.originEnd - u.start), host: u.host, command: `${name} ${opt[1]}`, kind: 'url' });
        }
      } else if (opt[1] !== '-h' || /^(psql|pg_dump|pg_restore|mysql|mysqldump|redis-cli|mongosh|mongo|mongodump|clickhouse-client)$/.test(name)) {
        const host = bareHost(value);
        if (host && classifyHost(host) === 'own' && !/^v?\d+\.\d+\.\d+$/.test(host)) {
          const raw = script.slice(valueWord.start, valueWord.end);
          const at = raw.indexOf(host, offset);
          if (at >= 0) push({ word: valueWord, start: valueWord.start + at, end: valueWord.start + at + host.length, host, command: `${name} ${opt[1]}`, kind: 'host' });
        }
      }
      if (opt[2] === undefined) k++;
      continue;
    }
    // connection strings given as arguments: `psql "postgresql://app@db.acme.internal/app"`
    for (const u of findUrls(t)) {
      if (!/^(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|rediss?|amqps?|ssh|wss?)$/.test(u.scheme)) continue;
      if (ASSIGN.test(t)) continue;
      if (classifyHost(u.host) !== 'own') continue;
      const raw = script.slice(w.start, w.end);
      const at = raw.indexOf(u.url);
      if (at < 0) continue;
      push({ word: w, start: w.start + at, end: w.start + at + (u.originEnd - u.start), host: u.host, command: name, kind: 'url' });
    }
  }
}
