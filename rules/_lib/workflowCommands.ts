/**
 * Shell scripts of GitHub workflow `run:` steps, split into commands, and the tools the workflow rules look
 * for in them: security scanners (`nonblocking-security-check`), deploy commands (`deploy-without-approval`),
 * request / remote-shell targets (`hardcoded-url-in-workflow`).
 *
 * The splitter is a small, linear, forgiving lexer (never throws): quotes, `${{ … }}` expressions, `$(…)`,
 * backticks, comments, line continuations and heredocs (whose bodies are skipped). Offsets are into the
 * script string (the scalar's value), not into the file.
 */

export interface ShellWord {
  /** the word with its quotes removed */
  readonly text: string;
  /** offsets of the word as written in the script */
  readonly start: number;
  readonly end: number;
  /** the word contains a quoted part */
  readonly quoted: boolean;
}

export interface ShellCommand {
  readonly words: readonly ShellWord[];
  readonly start: number;
  readonly end: number;
  /** the operator that ends this command: `||`, `&&`, `|`, `;`, `&`, `\n`, `(`, `)`, `{`, `}` or '' at the end */
  readonly next: string;
  /** the operator that ends the command before it ('' for the first) */
  readonly prev: string;
}

const OPERATORS = ['||', '&&', ';;', '|&', '|', ';', '&'];

/** Split a shell script into simple commands. Group braces and parentheses are reported as operators. */
export function shellCommands(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  const n = script.length;
  let i = 0;
  let words: ShellWord[] = [];
  let prev = '';
  let cmdStart = -1;
  const heredocs: { delim: string; strip: boolean }[] = [];

  const finish = (op: string, at: number): void => {
    if (words.length) {
      out.push({ words, start: cmdStart, end: at, next: op, prev });
      words = [];
      prev = op;
    } else if (op !== '\n' || prev === '') {
      // an operator without a command before it (`( cmd )`, leading `{`): keep it as the next prev
      if (op !== '\n') prev = op;
    }
    cmdStart = -1;
  };

  const skipHeredocs = (): void => {
    // i is just past a newline: skip the bodies of pending heredocs
    while (heredocs.length) {
      const h = heredocs.shift()!;
      while (i < n) {
        const eol = script.indexOf('\n', i);
        const lineEnd = eol < 0 ? n : eol;
        const line = script.slice(i, lineEnd).replace(/\r$/, '');
        i = eol < 0 ? n : eol + 1;
        if ((h.strip ? line.replace(/^\t+/, '') : line).trim() === h.delim) break;
      }
    }
  };

  let guard = 0;
  while (i < n && guard++ < 1_000_000) {
    const c = script[i];
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && script[i + 1] === '\r' && script[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      finish('\n', i);
      i++;
      if (heredocs.length) skipHeredocs();
      continue;
    }
    if (c === '#') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      finish(op, i);
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')') {
      finish(c, i);
      i++;
      continue;
    }
    if ((c === '{' || c === '}') && words.length === 0 && /[\s;]/.test(script[i + 1] ?? ' ') && !(c === '{' && script[i + 1] === '{')) {
      finish(c, i);
      i++;
      continue;
    }
    // a word
    const start = i;
    let text = '';
    let quoted = false;
    while (i < n) {
      const ch = script[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '|' || ch === '(' || ch === ')') break;
      if (ch === '&' && !/[<>]$/.test(text)) break;
      if (ch === '\\') {
        if (script[i + 1] === '\n') {
          i += 2;
          continue;
        }
        text += script[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = script.indexOf("'", i + 1);
        const end = close < 0 ? n : close;
        text += script.slice(i + 1, end);
        quoted = true;
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        let j = i + 1;
        let buf = '';
        while (j < n && script[j] !== '"') {
          if (script[j] === '\\' && j + 1 < n) {
            buf += script[j + 1];
            j += 2;
            continue;
          }
          if (script[j] === '$' && (script[j + 1] === '(' || script[j + 1] === '{')) {
            const e = matchClose(script, j + 1);
            buf += script.slice(j, e);
            j = e;
            continue;
          }
          buf += script[j++];
        }
        text += buf;
        quoted = true;
        i = j + 1;
        continue;
      }
      if (ch === '`') {
        const close = script.indexOf('`', i + 1);
        const end = close < 0 ? n : close + 1;
        text += script.slice(i, end);
        i = end;
        continue;
      }
      if (ch === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) {
        const e = matchClose(script, i + 1);
        text += script.slice(i, e);
        i = e;
        continue;
      }
      text += ch;
      i++;
    }
    if (i === start) {
      // a lone character the word loop does not take (a stray `&` after a redirection): step over it
      i++;
      continue;
    }
    // heredoc: `<<EOF`, `<<-'EOF'`, `<< "EOF"`
    const hd = /^(\d?)<<(-?)(.*)$/.exec(text);
    if (hd && !text.startsWith('<<<')) {
      let delim = hd[3];
      if (delim === '') {
        // the delimiter is the next word
        const m = /^[ \t]*(['"]?)([\w.-]+)\1/.exec(script.slice(i));
        if (m) {
          delim = m[2];
          i += m[0].length;
        }
      }
      if (delim) heredocs.push({ delim: delim.replace(/^['"]|['"]$/g, ''), strip: hd[2] === '-' });
    }
    if (cmdStart < 0) cmdStart = start;
    words.push({ text, start, end: i, quoted });
  }
  finish('', n);
  return out;
}

/** The offset just past the bracket group opening at `open` (`(`, `{`), nested groups and quotes included. */
function matchClose(s: string, open: number): number {
  const openCh = s[open];
  const closeCh = openCh === '(' ? ')' : '}';
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const ch = s[j];
    if (ch === "'" && openCh === '(') {
      const c = s.indexOf("'", j + 1);
      if (c < 0) return s.length;
      j = c;
      continue;
    }
    if (ch === openCh) depth++;
    else if (ch === closeCh && --depth === 0) return j + 1;
    if (ch === '\n' && openCh === '{' && depth > 2) return j;
  }
  return s.length;
}

const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'time', 'exec', 'command', 'builtin', 'nohup', 'eval']);

/**
 * The index of the word that names the program a command runs, past `if`/`then`/`!`, `VAR=value`
 * assignments, `sudo [-E]`, `env A=b`, `timeout 60`, and package runners (`npx -y`, `pnpm dlx`, `pnpm exec`,
 * `yarn dlx`, `bunx`, `npm exec --`). -1 when there is none.
 */
export function programIndex(words: readonly ShellWord[]): number {
  let k = 0;
  for (let guard = 0; k < words.length && guard < 32; guard++) {
    const w = words[k].text;
    if (PREFIX_WORDS.has(w)) {
      k++;
      continue;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      k++;
      continue;
    }
    if (w === 'sudo' || w === 'env') {
      k++;
      while (k < words.length && (/^-/.test(words[k].text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k].text))) k++;
      continue;
    }
    if (w === 'timeout') {
      k++;
      while (k < words.length && /^-/.test(words[k].text)) k++;
      if (k < words.length && /^\d/.test(words[k].text)) k++;
      continue;
    }
    if (w === 'npx' || w === 'bunx' || w === 'pnpx' || w === 'uvx') {
      k++;
      while (k < words.length && /^-/.test(words[k].text)) {
        // `-p pkg` / `--package pkg` take a value
        if (/^(-p|--package)$/.test(words[k].text)) k++;
        k++;
      }
      continue;
    }
    if ((w === 'pnpm' || w === 'yarn' || w === 'npm' || w === 'bun') && /^(dlx|exec|x)$/.test(words[k + 1]?.text ?? '')) {
      k += 2;
      while (k < words.length && /^-/.test(words[k].text)) k++;
      if (words[k]?.text === '--') k++;
      continue;
    }
    break;
  }
  return k < words.length ? k : -1;
}

/** The program's base name (`/usr/local/bin/trivy` → `trivy`, `./gitleaks` → `gitleaks`), lower-cased. */
export function programName(words: readonly ShellWord[]): { index: number; name: string } | undefined {
  const k = programIndex(words);
  if (k < 0) return undefined;
  const raw = words[k].text;
  const name = raw.slice(raw.lastIndexOf('/') + 1).toLowerCase();
  return { index: k, name };
}

/** The words after the program that are not options (`-x`, `--flag`, `--flag=value`). */
export function positionals(words: readonly ShellWord[], from: number): ShellWord[] {
  return words.slice(from).filter((w) => !w.text.startsWith('-'));
}

/** An option's word and value (`--exit-code 0`, `--exit-code=0`); short-option groups are not split. */
export function optionValue(words: readonly ShellWord[], from: number, names: readonly string[]): { value: string | undefined; word: ShellWord; valueWord?: ShellWord } | undefined {
  for (let k = from; k < words.length; k++) {
    const t = words[k].text;
    for (const name of names) {
      if (t === name) {
        const next = words[k + 1];
        return { value: next && !next.text.startsWith('-') ? next.text : undefined, word: words[k], valueWord: next && !next.text.startsWith('-') ? next : undefined };
      }
      if (t.startsWith(name + '=')) return { value: t.slice(name.length + 1), word: words[k] };
    }
  }
  return undefined;
}

// ── security tools ─────────────────────────────────────────────────────────────────────────────────

export interface SecurityTool {
  /** what the message calls it: `npm audit`, `Trivy`, `CodeQL` */
  readonly label: string;
  /** for `npm audit`-style commands: which package manager */
  readonly audit?: 'npm' | 'pnpm' | 'yarn' | 'bun';
}

const SCANNER_IMAGES =
  /(^|\/)(trivy|grype|gitleaks|trufflehog|semgrep|zap2docker[\w-]*|zaproxy|osv-scanner|checkov|tfsec|kics|dependency-check|snyk|dockle|syft-scan|prodready)(:|@|$)/i;

const SCRIPT_NAME = /(^|[:_-])(audit|security|snyk|vulns?|vulnerabilit(y|ies)|secrets?[:_-]?scan|sast|dast|gitleaks|trivy|semgrep)([:_-]|$)/i;
/** package scripts that prepare, fix or publish rather than check */
const NOT_A_CHECK_SCRIPT = /fix|setup|install|monitor|report|upload|update|publish|login|auth|sbom|docs?\b/i;

/** A security check a `run:` command starts, or undefined. */
export function securityCommand(words: readonly ShellWord[]): SecurityTool | undefined {
  const p = programName(words);
  if (!p) return undefined;
  const { index, name } = p;
  const rest = words.slice(index + 1).map((w) => w.text);
  const sub = rest.find((t) => !t.startsWith('-'));
  switch (name) {
    case 'npm':
    case 'pnpm':
    case 'bun': {
      if (rest[0] === 'audit' && !rest.includes('fix') && !rest.includes('--fix')) return { label: `${name} audit`, audit: name };
      const script = rest[0] === 'run' || rest[0] === 'run-script' ? rest.slice(1).find((t) => !t.startsWith('-')) : name === 'pnpm' ? rest[0] : undefined;
      if (script && SCRIPT_NAME.test(script) && !NOT_A_CHECK_SCRIPT.test(script)) return { label: `${name} run ${script}` };
      return undefined;
    }
    case 'yarn': {
      if (rest[0] === 'audit' || (rest[0] === 'npm' && rest[1] === 'audit')) return { label: 'yarn audit', audit: 'yarn' };
      const script = rest[0] === 'run' ? rest[1] : rest[0];
      if (script && !script.startsWith('-') && SCRIPT_NAME.test(script) && !NOT_A_CHECK_SCRIPT.test(script)) return { label: `yarn ${script}` };
      return undefined;
    }
    case 'audit-ci':
    case 'better-npm-audit':
    case 'improved-yarn-audit':
    case 'osv-scanner':
    case 'govulncheck':
    case 'pip-audit':
    case 'bandit':
    case 'gosec':
    case 'bundler-audit':
    case 'brakeman':
    case 'tfsec':
    case 'checkov':
    case 'retire':
    case 'njsscan':
    case 'lockfile-lint':
    case 'secretlint':
    case 'detect-secrets':
    case 'detect-secrets-hook':
    case 'dependency-check':
    case 'dependency-check.sh':
    case 'zap-baseline.py':
    case 'zap-full-scan.py':
    case 'zap-api-scan.py':
    case 'dockle':
      return { label: name.replace(/\.(py|sh)$/, '') };
    case 'snyk':
      if (sub && /^(test|code|container|iac|sbom)$/.test(sub) && !rest.includes('monitor')) return { label: 'Snyk' };
      return undefined;
    case 'trivy':
      if (sub && /^(image|i|fs|filesystem|repo|repository|config|conf|k8s|kubernetes|sbom|rootfs|vm)$/.test(sub)) return { label: 'Trivy' };
      return undefined;
    case 'grype':
      if (sub && !/^(db|version|completion|config|explain)$/.test(sub)) return { label: 'Grype' };
      return undefined;
    case 'gitleaks':
      if (sub && /^(detect|protect|git|dir|directory|stdin)$/.test(sub)) return { label: 'gitleaks' };
      return undefined;
    case 'trufflehog':
      if (sub && !/^(--version|help)$/.test(sub)) return { label: 'TruffleHog' };
      return undefined;
    case 'semgrep':
      if (sub && /^(ci|scan)$/.test(sub)) return { label: 'Semgrep' };
      if (rest.some((t) => t === '--config' || t.startsWith('--config='))) return { label: 'Semgrep' };
      return undefined;
    case 'safety':
      if (sub && /^(check|scan)$/.test(sub)) return { label: 'Safety' };
      return undefined;
    case 'cargo':
      if (sub === 'audit') return { label: 'cargo audit' };
      return undefined;
    case 'bundle':
      if (sub === 'audit' || (sub === 'exec' && rest.includes('bundler-audit'))) return { label: 'bundler-audit' };
      return undefined;
    case 'composer':
      if (sub === 'audit') return { label: 'composer audit' };
      return undefined;
    case 'ggshield':
      if (rest[0] === 'secret' && rest[1] === 'scan') return { label: 'ggshield' };
      return undefined;
    case 'terrascan':
    case 'kics':
      if (sub === 'scan') return { label: name };
      return undefined;
    case 'codeql':
      if (rest[0] === 'database' && rest[1] === 'analyze') return { label: 'CodeQL' };
      return undefined;
    case 'prodready':
      if (sub === 'lint' || sub === undefined || sub.startsWith('.')) return { label: 'prodready' };
      return undefined;
    case 'docker': {
      if (sub === 'scout' && /^(cves|quickview|compare)$/.test(rest[rest.indexOf('scout') + 1] ?? '')) return { label: 'Docker Scout' };
      if (sub === 'run' || (sub === 'container' && rest[1] === 'run')) {
        const inner = dockerRunCommand(words, index + 1 + rest.indexOf('run') + 1);
        if (!inner) return undefined;
        if (SCANNER_IMAGES.test(inner.image)) return { label: `docker run ${inner.image.replace(/[:@].*$/, '').replace(/^.*\//, '')}` };
        // `docker run --rm -v "$PWD":/app -w /app node:20 npm audit`
        return inner.command.length ? securityCommand(inner.command) : undefined;
      }
      return undefined;
    }
    case 'go': {
      if (sub === 'run' && rest.some((t) => /govulncheck|gosec/.test(t))) return { label: rest.find((t) => /govulncheck/.test(t)) ? 'govulncheck' : 'gosec' };
      return undefined;
    }
    default:
      return undefined;
  }
}

const DOCKER_VALUE_OPTS = new Set([
  '-v', '--volume', '-w', '--workdir', '-e', '--env', '--env-file', '--name', '-p', '--publish', '--network', '--net', '--entrypoint', '-u', '--user',
  '--mount', '--platform', '-l', '--label', '--add-host', '-h', '--hostname', '--memory', '-m', '--cpus', '--pull', '--ipc', '--pid', '--cap-add', '--cap-drop',
  '--security-opt', '--tmpfs', '--ulimit', '--dns', '--device', '--log-driver', '--log-opt', '--restart', '--gpus', '--shm-size', '--cidfile', '--link',
]);

/** The image and the command of a `docker run` (options skipped). */
export function dockerRunCommand(words: readonly ShellWord[], from: number): { image: string; imageWord: ShellWord; command: ShellWord[] } | undefined {
  for (let k = from; k < words.length; k++) {
    const t = words[k].text;
    if (t.startsWith('-')) {
      if (!t.includes('=') && DOCKER_VALUE_OPTS.has(t)) k++;
      continue;
    }
    return { image: t.toLowerCase(), imageWord: words[k], command: words.slice(k + 1) };
  }
  return undefined;
}

/** A security action a step `uses:`, or undefined (`aquasecurity/trivy-action@0.24.0` → Trivy). */
export function securityAction(uses: string | undefined, command?: string): SecurityTool | undefined {
  if (!uses) return undefined;
  // `snyk/actions/node` with `command: monitor` uploads a snapshot: it checks nothing
  if (/^snyk\//i.test(uses) && command && /^\s*monitor\b/.test(command)) return undefined;
  const ref = uses.replace(/@.*$/, '').toLowerCase();
  if (ref.startsWith('./') || ref.startsWith('docker://')) {
    const img = ref.replace(/^docker:\/\//, '');
    return SCANNER_IMAGES.test(img) ? { label: img.replace(/[:@].*$/, '') } : undefined;
  }
  const table: [RegExp, string][] = [
    [/^aquasecurity\/trivy-action$/, 'Trivy'],
    [/^aquasecurity\/tfsec-(sarif-)?action$/, 'tfsec'],
    [/^snyk\/actions\/(?!setup$)[\w.-]+$/, 'Snyk'],
    [/^github\/codeql-action\/(analyze|init)$/, 'CodeQL'],
    [/^(returntocorp|semgrep)\/semgrep-action$/, 'Semgrep'],
    [/^zaproxy\/action-(baseline|full-scan|api-scan|af)$/, 'OWASP ZAP'],
    [/^(gitleaks|zricethezav)\/gitleaks-action$/, 'gitleaks'],
    [/^trufflesecurity\/trufflehog(\/.*)?$/, 'TruffleHog'],
    [/^google\/osv-scanner(-action)?(\/.*)?$/, 'OSV-Scanner'],
    [/^actions\/dependency-review-action$/, 'dependency review'],
    [/^anchore\/scan-action$/, 'Grype'],
    [/^bridgecrewio\/checkov-action$/, 'Checkov'],
    [/^docker\/scout-action$/, 'Docker Scout'],
    [/^securego\/gosec$/, 'gosec'],
    [/^pypa\/gh-action-pip-audit$/, 'pip-audit'],
    [/^checkmarx\/(kics-github-action|ast-github-action)$/, 'Checkmarx'],
    [/^shiftleftsecurity\/scan-action$/, 'ShiftLeft Scan'],
    [/^dependency-check\/dependency-check_action$/, 'OWASP Dependency-Check'],
    [/^microsoft\/security-devops-action$/, 'Microsoft Security DevOps'],
    [/^crazy-max\/ghaction-container-scan$/, 'container scan'],
    [/^prodready\/[\w.-]+$/, 'prodready'],
  ];
  for (const [re, label] of table) if (re.test(ref)) return { label };
  return undefined;
}

/**
 * The command after a `||` swallows the failure: `true`, `:`, `exit 0`, `echo …`, `printf …`, or a group of
 * only those. Returns the index of the fallback's last command and its text, or undefined when it can fail the step.
 */
export function swallowingFallback(cmds: readonly ShellCommand[], at: number): { end: number; text: string } | undefined {
  const c = cmds[at];
  if (!c) return undefined;
  const benign = (cmd: ShellCommand): boolean => {
    const w = cmd.words.map((x) => x.text);
    if (w[0] === 'true' || w[0] === ':') return w.length === 1;
    if (w[0] === 'exit' || w[0] === 'return') return w[1] === '0';
    if (w[0] === 'echo' || w[0] === 'printf') return true;
    return false;
  };
  if (c.prev === '(' || c.prev === '{') {
    // `|| { echo …; }` / `|| ( echo … )`: every command of the group must be benign
    let k = at;
    const close = c.prev === '(' ? ')' : '}';
    for (; k < cmds.length; k++) {
      if (!benign(cmds[k])) return undefined;
      if (cmds[k].next === close || (close === '}' && cmds[k].words.at(-1)?.text === '}')) break;
    }
    return k < cmds.length ? { end: k, text: 'a fallback that only echoes' } : undefined;
  }
  if (!benign(c)) return undefined;
  if (c.next === '&&' || c.next === '|' || c.next === '||') return undefined;
  return { end: at, text: c.words.map((w) => w.text).join(' ') };
}

// ── deploy commands ──────────────────────────────────────────────────────────────────────────────

export interface DeployCommand {
  /** what the message calls it: `flyctl deploy`, `kubectl apply`, `vercel --prod` */
  readonly label: string;
  /** the command or its inputs name the production target explicitly (`--prod`, `--environment production`) */
  readonly explicitProd?: boolean;
  /** the words that may name the target (app names, namespaces, stages) */
  readonly target: string;
  /** a project script (`npm run deploy`, `./deploy.sh`): counts only when it names staging or production */
  readonly weak?: boolean;
}

const GIT_FORGES = /(^|\.)(github\.com|gitlab\.com|bitbucket\.org|ssh\.dev\.azure\.com|vs-ssh\.visualstudio\.com|codeberg\.org|aur\.archlinux\.org)$/i;

/** The host of an `ssh`/`scp`/`rsync` destination word (`deploy@203.0.113.7:/srv/app` → `203.0.113.7`). */
export function remoteHost(word: string): string | undefined {
  const w = word.replace(/^(ssh|sftp|rsync):\/\//, '');
  const m = /^(?:[\w.$-]+@)?(\[[0-9a-f:]+\]|[A-Za-z0-9$][\w.$-]*|\$\{\{[^}]*\}\}|\$\{?\w+\}?)(?::|$|\/)/.exec(w);
  return m ? m[1] : undefined;
}

/** A server a deploy reaches: not a git forge, not loopback; a variable (`$VPS_HOST`, `${{ secrets.HOST }}`) counts. */
function remoteServer(host: string | undefined): boolean {
  if (!host || GIT_FORGES.test(host)) return false;
  return /\$/.test(host) || !isLocalHost(host);
}

/** ssh options that take a value */
const SSH_VALUE_OPTS = new Set(['-i', '-p', '-o', '-l', '-F', '-J', '-L', '-R', '-D', '-b', '-c', '-E', '-e', '-m', '-O', '-Q', '-S', '-W', '-w', '-B', '-P']);

/** The destination host word of an ssh command (`ssh -i key -p 22 deploy@host cmd` → `deploy@host`). */
export function sshDestination(words: readonly ShellWord[], from: number): ShellWord | undefined {
  for (let k = from; k < words.length; k++) {
    const t = words[k].text;
    if (SSH_VALUE_OPTS.has(t)) {
      k++;
      continue;
    }
    if (t.startsWith('-')) continue;
    return words[k];
  }
  return undefined;
}

/** The remote (`user@host:path`) words of an scp/rsync command. */
export function copyDestinations(words: readonly ShellWord[], from: number): ShellWord[] {
  const out: ShellWord[] = [];
  for (let k = from; k < words.length; k++) {
    const t = words[k].text;
    if (t === '-e' || t === '-i' || t === '-P' || t === '-o' || t === '--rsh' || t === '-F') {
      k++;
      continue;
    }
    if (t.startsWith('-')) continue;
    if (/^(rsync|ssh):\/\//.test(t) || /^[\w.$-]+@(\$\{\{[^}]*\}\}|[^\s/:]+):/.test(t) || /^[\w$][\w.$-]*\.[\w.$-]+:\//.test(t) || /^(\d{1,3}\.){3}\d{1,3}:/.test(t)) out.push(words[k]);
  }
  return out;
}

/** A deploy a `run:` command performs, or undefined. */
export function deployCommand(words: readonly ShellWord[]): DeployCommand | undefined {
  const p = programName(words);
  if (!p) return undefined;
  const { index, name } = p;
  const restWords = words.slice(index + 1);
  const rest = restWords.map((w) => w.text);
  const all = rest.join(' ');
  const dry = /--dry-run|--dryrun|\bdry-run\b|--build-only|--server-side=false/.test(all);
  if (dry) return undefined;
  const sub = rest.find((t) => !t.startsWith('-'));
  switch (name) {
    case 'flyctl':
    case 'fly':
      if (sub === 'deploy' || (sub === 'machine' && rest.includes('update')) || (sub === 'releases' && rest.includes('rollback'))) return { label: `${name} deploy`, target: all };
      return undefined;
    case 'vercel':
    case 'now': {
      const prod = rest.includes('--prod') || rest.includes('--production') || /--target[= ]production/.test(all) || /--environment[= ]production/.test(all);
      if ((sub === undefined || sub === 'deploy' || sub.startsWith('.') || sub.startsWith('/') || /^[\w$-]+\/?$/.test(sub)) && prod && !rest.includes('build') && !rest.includes('pull')) return { label: 'vercel --prod', explicitProd: true, target: all };
      if (sub === 'promote' || sub === 'rollback') return { label: `vercel ${sub}`, explicitProd: true, target: all };
      return undefined;
    }
    case 'kubectl':
    case 'oc': {
      if (!sub) return undefined;
      const i = rest.indexOf(sub);
      const next = rest.slice(i + 1).find((t) => !t.startsWith('-'));
      if (sub === 'apply' || sub === 'replace' || (sub === 'create' && rest.some((t) => t === '-f' || t === '-k' || t.startsWith('--filename')))) return { label: `${name} ${sub}`, target: all };
      if (sub === 'set' && (next === 'image' || next === 'env')) return { label: `${name} set ${next}`, target: all };
      if (sub === 'rollout' && next && /^(restart|undo|resume)$/.test(next)) return { label: `${name} rollout ${next}`, target: all };
      if (sub === 'patch' && next && /^(deployment|deploy|statefulset|sts|daemonset|ds|deployments)\b/.test(next)) return { label: `${name} patch`, target: all };
      return undefined;
    }
    case 'helm':
      if (sub === 'upgrade' || sub === 'install' || sub === 'rollback') return { label: `helm ${sub}`, target: all };
      return undefined;
    case 'helmfile':
      if (sub === 'apply' || sub === 'sync' || sub === 'deploy') return { label: `helmfile ${sub}`, target: all };
      return undefined;
    case 'aws': {
      const svc = sub;
      const op = rest.slice(rest.indexOf(svc ?? '') + 1).find((t) => !t.startsWith('-'));
      if (svc === 'ecs' && op && /^(update-service|deploy)$/.test(op)) return { label: `aws ecs ${op}`, target: all };
      if (svc === 'deploy' && op === 'create-deployment') return { label: 'aws deploy create-deployment', target: all };
      if (svc === 'lambda' && op && /^(update-function-code|update-alias)$/.test(op)) return { label: `aws lambda ${op}`, target: all };
      if (svc === 'elasticbeanstalk' && op === 'update-environment') return { label: 'aws elasticbeanstalk update-environment', target: all };
      if (svc === 'apprunner' && op === 'start-deployment') return { label: 'aws apprunner start-deployment', target: all };
      if (svc === 'amplify' && op === 'start-job') return { label: 'aws amplify start-job', target: all };
      if (svc === 'cloudformation' && op && /^(deploy|update-stack|create-stack|execute-change-set)$/.test(op)) return { label: `aws cloudformation ${op}`, target: all };
      if (svc === 'cloudfront' && op === 'create-invalidation') return { label: 'aws cloudfront create-invalidation', target: all };
      return undefined;
    }
    case 'ecs-deploy':
      return { label: 'ecs-deploy', target: all };
    case 'eb':
    case 'copilot':
    case 'kamal':
    case 'mina':
    case 'skaffold':
    case 'okteto':
    case 'caprover':
      if (sub === 'deploy' || (name === 'skaffold' && sub === 'run') || (name === 'kamal' && sub === 'rollback')) return { label: `${name} ${sub}`, target: all };
      if (name === 'copilot' && rest.includes('deploy')) return { label: 'copilot deploy', target: all };
      return undefined;
    case 'cap':
    case 'dep':
      if (rest.includes('deploy')) return { label: `${name} deploy`, target: all };
      return undefined;
    case 'sam':
    case 'cdk':
    case 'serverless':
    case 'sls':
    case 'firebase':
    case 'wrangler':
    case 'convex':
    case 'zappa':
    case 'sst':
    case 'doctl':
      if (name === 'firebase' && (sub === 'hosting:channel:deploy' || rest.some((t) => /^--only=?$/.test(t) === false && /hosting:channel/.test(t)))) return undefined;
      if (sub === 'deploy' || sub === 'publish' || (name === 'wrangler' && (sub === 'pages' || sub === 'versions') && rest.includes('deploy')) || (name === 'zappa' && sub === 'update'))
        return { label: `${name} ${sub === 'pages' || sub === 'versions' ? `${sub} deploy` : sub}`, target: all };
      if (name === 'doctl' && sub === 'apps' && rest.includes('create-deployment')) return { label: 'doctl apps create-deployment', target: all };
      return undefined;
    case 'netlify':
      if (sub === 'deploy' && (rest.includes('--prod') || rest.includes('--production') || rest.some((t) => /^--prod(=|$)/.test(t)))) return { label: 'netlify deploy --prod', explicitProd: true, target: all };
      return undefined;
    case 'railway':
      if (sub === 'up' || sub === 'redeploy' || sub === 'deploy') return { label: `railway ${sub}`, target: all };
      return undefined;
    case 'heroku':
      if (sub && /^(container:release|releases:rollback|deploy:jar|deploy:war|builds:create)$/.test(sub)) return { label: `heroku ${sub}`, target: all };
      return undefined;
    case 'gcloud': {
      const s = rest.filter((t) => !t.startsWith('-'));
      const j = s.join(' ');
      if (/^(beta |alpha )?(run|app|functions) deploy\b/.test(j) || /^(beta |alpha )?run (services|jobs) (update|replace|update-traffic)\b/.test(j) || /^(beta |alpha )?app deploy\b/.test(j))
        return { label: `gcloud ${s.filter((x) => !/^(beta|alpha)$/.test(x)).slice(0, 2).join(' ')}`, target: all };
      if (/^(beta |alpha )?deploy releases (create|promote)\b/.test(j)) return { label: 'gcloud deploy releases', target: all };
      return undefined;
    }
    case 'az': {
      const s = rest.filter((t) => !t.startsWith('-')).join(' ');
      if (/^(webapp (deploy|up|deployment source config-zip|config container set|restart)|functionapp (deployment|publish)|containerapp (update|up|create)|staticwebapp (deploy)|spring app deploy|aks command invoke)\b/.test(s)) return { label: `az ${s.split(' ').slice(0, 2).join(' ')}`, target: all };
      return undefined;
    }
    case 'func':
      if (rest[0] === 'azure' && rest[1] === 'functionapp' && rest[2] === 'publish') return { label: 'func azure functionapp publish', target: all };
      return undefined;
    case 'cf':
      if (sub === 'push') return { label: 'cf push', target: all };
      return undefined;
    case 'argocd':
      if (sub === 'app' && /\b(sync|set|rollback)\b/.test(all)) return { label: 'argocd app sync', target: all };
      return undefined;
    case 'supabase':
      if ((sub === 'db' && rest.includes('push')) || (sub === 'functions' && rest.includes('deploy'))) return { label: `supabase ${sub} ${sub === 'db' ? 'push' : 'deploy'}`, target: all };
      return undefined;
    case 'docker': {
      if (sub === 'stack' && rest.includes('deploy')) return { label: 'docker stack deploy', target: all };
      if (sub === 'service' && rest.includes('update')) return { label: 'docker service update', target: all };
      // `docker -H ssh://host compose up -d` / `docker --context prod compose up`: global options before the subcommand
      const globals: string[] = [];
      for (let k = 0; k < rest.length && rest[k].startsWith('-'); k++) {
        globals.push(rest[k]);
        if (/^(-H|--host|--context|-c|--config|-l|--log-level)$/.test(rest[k])) globals.push(rest[++k] ?? '');
      }
      const after = rest.slice(globals.length);
      const remote = globals.some((t, k) => /^(-H|--host|--context|-c)$/.test(t) && !!globals[k + 1] && globals[k + 1] !== 'default') || globals.some((t) => /^(-H|--host|--context)=/.test(t));
      if (remote && after[0] === 'compose' && after.includes('up')) return { label: 'docker compose on a remote host', target: all };
      if (remote && (after[0] === 'stack' || (after[0] === 'service' && after.includes('update')))) return { label: `docker ${after[0]} on a remote host`, target: all };
      return undefined;
    }
    case 'docker-compose': {
      const upAt = rest.indexOf('up');
      if (upAt > 0 && rest.slice(0, upAt).some((t, k, a) => (t === '-H' || t === '--host' || t === '--context') && !!a[k + 1])) return { label: 'docker compose on a remote host', target: all };
      return undefined;
    }
    case 'git': {
      // `git push heroku main`, `git push dokku@host:app`, `git push https://git.heroku.com/app.git`
      if (sub !== 'push') return undefined;
      const pos = positionals(restWords, 0).map((w) => w.text);
      const remote = pos[1];
      if (!remote) return undefined;
      if (/^(heroku|dokku|production|prod|staging|live|deploy)$/i.test(remote)) return { label: `git push ${remote}`, target: all };
      if (/git\.heroku\.com|^dokku@|^ssh:\/\/dokku@/i.test(remote)) return { label: 'git push to the app host', target: all };
      return undefined;
    }
    case 'ssh': {
      const dest = sshDestination(words, index + 1);
      if (!dest) return undefined;
      if (!remoteServer(remoteHost(dest.text))) return undefined;
      // `ssh host` with a remote command, or an interactive session fed by a heredoc; the target is the host
      return { label: 'ssh', target: dest.text };
    }
    case 'scp':
    case 'rsync':
    case 'sftp': {
      // a copy *to* a server: the destination (the last operand) is remote (`rsync host:/backups ./` reads)
      const dests = copyDestinations(words, index + 1);
      const last = dests[dests.length - 1];
      const operands = words.slice(index + 1).filter((w) => !w.text.startsWith('-'));
      const remote = name === 'sftp' ? dests[0] : last && operands[operands.length - 1] === last ? last : undefined;
      return remote && remoteServer(remoteHost(remote.text)) ? { label: name, target: remote.text } : undefined;
    }
    case 'ansible-playbook':
      return { label: 'ansible-playbook', target: all };
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
      if (sub === 'apply' || sub === 'destroy' || (name === 'terragrunt' && rest.includes('run-all') && rest.includes('apply'))) return { label: `${name} ${sub === 'destroy' ? 'destroy' : 'apply'}`, target: all };
      return undefined;
    case 'pulumi':
      if (sub === 'up' || sub === 'update' || sub === 'destroy') return { label: `pulumi ${sub}`, target: all };
      return undefined;
    case 'npm':
    case 'yarn':
    case 'bun':
    case 'pnpm':
    case 'make': {
      // `npm run deploy:prod`, `yarn deploy`, `make deploy` (not `pnpm deploy`, which copies a workspace package)
      const script = name === 'make' ? sub : rest[0] === 'run' || rest[0] === 'run-script' ? rest.slice(1).find((t) => !t.startsWith('-')) : name === 'yarn' ? rest[0] : undefined;
      if (script && DEPLOY_SCRIPT.test(script) && !NOT_A_DEPLOY_SCRIPT.test(script)) return { label: `${name}${name === 'make' ? '' : ' run'} ${script}`, target: `${script} ${all}`, weak: true };
      return undefined;
    }
    case 'curl':
    case 'wget': {
      // a deploy hook: `curl -X POST "${{ secrets.RENDER_DEPLOY_HOOK_URL }}"`, `curl https://api.render.com/deploy/srv-…`
      if (/deploy[_-]?hook|\/deploy\/srv-|api\.vercel\.com\/v1\/integrations\/deploy|\/build_hooks\/|deploy[_-]?webhook/i.test(all)) return { label: 'a deploy hook', target: all };
      return undefined;
    }
    default: {
      // `./scripts/deploy.sh production`, `bash deploy-prod.sh`
      const file = /^(bash|sh|zsh)$/.test(name) ? rest.find((t) => !t.startsWith('-')) : words[index].text;
      const base = file?.slice(file.lastIndexOf('/') + 1) ?? '';
      if (/^deploy([-_.\w]*)\.sh$|^deploy$/.test(base) && !NOT_A_DEPLOY_SCRIPT.test(base)) return { label: base, target: `${base} ${all}`, weak: true };
      return undefined;
    }
  }
}

const DEPLOY_SCRIPT = /^(deploy|release:deploy)([:_-][\w:-]+)?$/i;
const NOT_A_DEPLOY_SCRIPT = /docs?|storybook|gh-?pages|pages|dry|check|test|lint|build|preview|local/i;

/** A deploy action a step `uses:` (its `with:` text given as `inputs`), or undefined. */
export function deployAction(uses: string | undefined, inputs: Record<string, string>): DeployCommand | undefined {
  if (!uses) return undefined;
  const ref = uses.replace(/@.*$/, '').toLowerCase();
  // the inputs that name where it goes (app, service, stage…), not scripts run there
  const target = Object.entries(inputs)
    .filter(([k]) => !/^(script|script_stop|run|body|message|key|password|token|.*_token|.*_key|.*secret.*|source|target_dir|args)$/i.test(k) || k === 'args')
    .map(([k, v]) => (k === 'args' ? v : `${k} ${v}`))
    .join(' ');
  const get = (k: string): string => (inputs[k] ?? '').trim();
  const always: [RegExp, string][] = [
    [/^aws-actions\/amazon-ecs-deploy-task-definition$/, 'amazon-ecs-deploy-task-definition'],
    [/^aws-actions\/aws-cloudformation-github-deploy$/, 'aws-cloudformation-github-deploy'],
    [/^aws-actions\/amazon-ecs-deploy-express-service$/, 'amazon-ecs-deploy-express-service'],
    [/^google-github-actions\/deploy-(cloudrun|appengine|cloud-functions|workflow)$/, 'google-github-actions/deploy'],
    [/^azure\/(webapps-deploy|functions-action|container-apps-deploy-action|k8s-deploy|aks-set-context-deploy|arm-deploy|spring-apps-deploy|aci-deploy)$/, 'an Azure deploy action'],
    [/^appleboy\/(ssh-action|scp-action)$/, 'ssh'],
    [/^easingthemes\/ssh-deploy$/, 'ssh-deploy'],
    [/^burnett01\/rsync-deployments$/, 'rsync-deployments'],
    [/^(garygrossgarten\/github-action-ssh|d3rhase\/ssh-command-action|cross-the-world\/ssh-scp-ssh-pipelines|cross-the-world\/ssh-pipeline|fifsky\/ssh-action|nekiro\/ssh-job)$/, 'ssh'],
    [/^akhileshns\/heroku-deploy$/, 'heroku-deploy'],
    [/^dokku\/github-action$/, 'dokku'],
    [/^(superfly\/flyctl-actions)$/, 'flyctl'],
    [/^(johnbeynon|gh-actions-workflows|bounceapp)\/render-deploy(-action)?$/, 'render-deploy'],
    [/^digitalocean\/app_action(\/deploy)?$/, 'digitalocean/app_action'],
    [/^(steebchen|kitabisa|wahyd4|ameydev)\/kubectl(-action)?$/, 'kubectl'],
    [/^(deliverybot|wyrihaximus|koslib)\/helm(-action)?$/, 'helm'],
    [/^serverless\/github-action$/, 'serverless'],
    [/^(cloudflare\/wrangler-action)$/, 'wrangler'],
    [/^(railwayapp\/cli-action|bervproject\/railway-deploy)$/, 'railway'],
    [/^(samkirkland\/ftp-deploy-action|sebastianpopp\/ftp-action)$/, 'FTP deploy'],
    [/^(einaregilsson\/beanstalk-deploy)$/, 'beanstalk-deploy'],
    [/^(w9jds\/firebase-action)$/, 'firebase'],
    [/^(pulumi\/actions)$/, 'pulumi'],
    [/^(convex-dev\/convex-action)$/, 'convex deploy'],
  ];
  for (const [re, label] of always) {
    if (!re.test(ref)) continue;
    if (label === 'flyctl' && !/\bdeploy\b/.test(get('args'))) return undefined;
    if (label === 'serverless' && !/\bdeploy\b/.test(get('args'))) return undefined;
    if (label === 'firebase' && !/\bdeploy\b/.test(get('args'))) return undefined;
    if (label === 'pulumi' && !/^(up|update|destroy)$/.test(get('command'))) return undefined;
    if (label === 'wrangler' && get('command') && !/\b(deploy|publish)\b/.test(get('command'))) return undefined;
    if (label === 'wrangler' && /--dry-run/.test(get('command'))) return undefined;
    if (label === 'kubectl' && !/\b(apply|set image|rollout (restart|undo)|replace)\b/.test(get('args'))) return undefined;
    if (label === 'helm' && /\b(lint|template|package|push)\b/.test(get('command') + ' ' + get('args'))) return undefined;
    return { label, target };
  }
  if (/^amondnet\/vercel-action$/.test(ref)) {
    const args = get('vercel-args');
    return /--prod\b/.test(args) ? { label: 'vercel --prod', explicitProd: true, target } : undefined;
  }
  if (/^nwtgck\/actions-netlify$/.test(ref)) {
    return /^(true|\$\{\{.*\}\})$/.test(get('production-deploy')) && get('production-deploy') !== '' ? { label: 'netlify production deploy', explicitProd: get('production-deploy') === 'true', target } : undefined;
  }
  if (/^(netlify\/actions\/cli|south-paw\/action-netlify-cli|jsmrcaga\/action-netlify-deploy)$/.test(ref)) {
    return /--prod\b/.test(get('args')) || get('NETLIFY_DEPLOY_TO_PROD') === 'true' ? { label: 'netlify deploy --prod', explicitProd: true, target } : undefined;
  }
  if (/^firebaseextended\/action-hosting-deploy$/.test(ref)) {
    return get('channelId') === 'live' ? { label: 'firebase hosting deploy (live channel)', explicitProd: true, target } : undefined;
  }
  if (/^azure\/static-web-apps-deploy$/.test(ref)) {
    return get('action') === 'close' ? undefined : { label: 'static-web-apps-deploy', target };
  }
  return undefined;
}

// ── hosts ────────────────────────────────────────────────────────────────────────────────────────

/** Loopback, CI service containers (single-label names), Docker's host alias, reserved test names. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '0.0.0.0' || h === '::1' || h === '::' || /^127\./.test(h)) return true;
  if (h === 'host.docker.internal' || h === 'gateway.docker.internal' || h === 'kubernetes.docker.internal') return true;
  // wildcard DNS names that resolve to loopback or to the IP they embed, the Android emulator's host alias
  if (/(^|\.)(localtest\.me|lvh\.me|vcap\.me|localhost\.run|nip\.io|sslip\.io|xip\.io|traefik\.me)$/.test(h) || h === '10.0.2.2' || h === '10.0.3.2') return true;
  if (!h.includes('.') && !h.includes(':')) return true; // `postgres`, `redis`, `api` — service containers / compose names
  return false;
}

/** RFC 2606 / 6761 names that never point at a real environment. */
export function isReservedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (/(^|\.)(example\.(com|net|org)|example|test|invalid|local|localdomain|lan|home\.arpa)$/.test(h)) return true;
  // dummy values that no workflow can reach: `sensible-camel-xxxx.upstash.io`, `placeholder.supabase.co`
  // (an unfilled `your-app.vercel.app` in a smoke test is still a hard-coded target: it is reported)
  return h.split('.').some((l) => /x{4,}|placeholder|dummy|changeme|replace-?me/.test(l));
}

/**
 * Public services, registries and download hosts: the same for every project, so naming them in a workflow
 * is not hard-coding the project's environment. Matched as a suffix on a label boundary.
 */
const PUBLIC_SUFFIXES = [
  // forges, their APIs, artifact and raw-content hosts
  'github.com', 'githubusercontent.com', 'github.io', 'githubapp.com', 'ghcr.io', 'github.blog', 'gh.io', 'git.io', 'gitlab.com', 'bitbucket.org', 'codeberg.org',
  'actions.githubusercontent.com', 'pkg.github.com', 'blob.core.windows.net',
  // registries and package indexes
  'docker.io', 'docker.com', 'quay.io', 'gcr.io', 'pkg.dev', 'public.ecr.aws', 'mcr.microsoft.com', 'registry.k8s.io', 'k8s.gcr.io',
  'npmjs.org', 'npmjs.com', 'yarnpkg.com', 'npmmirror.com', 'pypi.org', 'pythonhosted.org', 'python.org', 'rubygems.org', 'crates.io', 'rust-lang.org', 'rustup.rs',
  'golang.org', 'go.dev', 'proxy.golang.org', 'maven.org', 'apache.org', 'gradle.org', 'nuget.org', 'packagist.org', 'jsr.io', 'deno.land', 'deno.com', 'bun.sh',
  'jsdelivr.net', 'unpkg.com', 'cdnjs.cloudflare.com', 'esm.sh', 'skypack.dev', 'pkg.pr.new',
  // tool downloads
  'nodejs.org', 'nodesource.com', 'k8s.io', 'helm.sh', 'get.helm.sh', 'storage.googleapis.com', 'dl.google.com', 'googleapis.com', 'gstatic.com', 'google.com', 'goo.gl',
  'hashicorp.com', 'terraform.io', 'releases.hashicorp.com', 'opentofu.org', 'pulumi.com', 'get.pulumi.com', 'fly.io', 'flyctl.sh', 'vercel.com', 'netlify.com', 'render.com',
  'railway.app', 'railway.com', 'heroku.com', 'cli-assets.heroku.com', 'herokucdn.com', 'cloudflare.com', 'cloudflareinsights.com', 'workers.cloudflare.com', 'supabase.com',
  'sentry.io', 'sentry-cdn.com', 'codecov.io', 'coveralls.io', 'sonarcloud.io', 'snyk.io', 'semgrep.dev', 'trivy.dev', 'aquasec.com', 'anchore.io', 'chainguard.dev',
  'sigstore.dev', 'rekor.sigstore.dev', 'fulcio.sigstore.dev', 'shields.io', 'badgen.net', 'badge.fury.io', 'cypress.io', 'playwright.dev', 'browserstack.com',
  'saucelabs.com', 'lambdatest.com', 'percy.io', 'chromatic.com', 'crowdin.com', 'lokalise.com', 'transifex.com', 'microsoft.com', 'visualstudio.com', 'azure.com', 'azureedge.net',
  'aka.ms', 'windows.net', 'ubuntu.com', 'launchpad.net', 'debian.org', 'alpinelinux.org', 'fedoraproject.org', 'centos.org', 'archlinux.org', 'brew.sh', 'sourceforge.net',
  'mozilla.org', 'mozilla.net', 'chromium.org', 'googlesource.com', 'goreleaser.com', 'install.python-poetry.org', 'astral.sh', 'pnpm.io', 'get.pnpm.io', 'yarnpkg.com', 'volta.sh',
  'sdkman.io', 'oracle.com', 'adoptium.net', 'eclipse.org', 'jetbrains.com', 'dotnet.microsoft.com', 'dot.net', 'powershellgallery.com', 'chocolatey.org', 'snapcraft.io',
  'flathub.org', 'expo.dev', 'expo.io', 'apple.com', 'android.com', 'firebase.google.com', 'firebaseio.com', 'cocoapods.org', 'dart.dev', 'flutter.dev', 'pub.dev',
  'kubernetes.io', 'cncf.io', 'kind.sigs.k8s.io', 'istio.io', 'linkerd.io', 'argoproj.io', 'fluxcd.io', 'jfrog.io', 'jfrog.com', 'sonatype.org', 'amazon.com',
  // vendor APIs a workflow calls (the vendor's host, not the project's)
  'api.github.com', 'uploads.github.com', 'slack.com', 'discord.com', 'discordapp.com', 'telegram.org', 'twitter.com', 'x.com', 'linkedin.com', 'openai.com', 'anthropic.com',
  'posthog.com', 'segment.io', 'segment.com', 'mixpanel.com', 'amplitude.com', 'datadoghq.com', 'datadoghq.eu', 'newrelic.com', 'honeycomb.io', 'grafana.com', 'grafana.net',
  'pagerduty.com', 'opsgenie.com', 'atlassian.net', 'atlassian.com', 'linear.app', 'notion.so', 'stripe.com', 'twilio.com', 'sendgrid.com', 'sendgrid.net', 'mailgun.net',
  'postmarkapp.com', 'resend.com', 'algolia.net', 'algolia.com', 'auth0.com', 'okta.com', 'coderabbit.ai', 'cla-assistant.io', 'renovatebot.com', 'mend.io', 'dependabot.com',
  'googleusercontent.com', 'youtube.com', 'medium.com', 'dev.to', 'stackoverflow.com', 'wikipedia.org', 'conventionalcommits.org', 'semver.org', 'keepachangelog.com',
  'developercertificate.org', 'opensource.org', 'spdx.org', 'json-schema.org', 'schemastore.org', 'w3.org', 'ietf.org', 'owasp.org', 'cve.org', 'nvd.nist.gov', 'osv.dev',
  'deps.dev', 'scorecard.dev', 'securityscorecards.dev', 'bestpractices.dev', 'openssf.org', 'upstash.com', 'qstash.upstash.io', 'qstash-us-east-1.upstash.io', 'qstash-eu-central-1.upstash.io',
  'app.terraform.io', 'ngrok.com', 'tailscale.com', 'cachix.org', 'nixos.org', 'turbo.build', 'nx.app', 'cloud.nx.app', 'depot.dev', 'blacksmith.sh', 'namespace.so',
  'lhci.dev', 'pagespeedonline.googleapis.com', 'api.cloudflare.com', 'api.vercel.com', 'api.netlify.com', 'api.heroku.com', 'api.fly.io', 'backboard.railway.app', 'api.render.com',
  'api.digitalocean.com', 'digitaloceanspaces.com', 'api.linode.com', 'api.hetzner.cloud', 'management.azure.com', 'login.microsoftonline.com', 'sts.amazonaws.com',
  'awscli.amazonaws.com', 's3.amazonaws.com', 'amazonaws.com.cn', 'api.trigger.dev', 'indexnow.org', 'bing.com', 'yandex.com', 'yandex.ru', 'naver.com', 'seznam.cz',
  'publicnode.com', 'ankr.com', 'llamarpc.com', 'cloudflare-eth.com', 'drpc.org', 'infura.io', 'alchemy.com', 'alchemyapi.io', 'base.org', 'optimism.io',
  'arbitrum.io', 'polygon-rpc.com', 'solana.com', 'etherscan.io', 'blockscout.com', 'tenderly.co',
  'r2.cloudflarestorage.com', 'backblazeb2.com', 'wasabisys.com', 'playwright.microsoft.com',
  'duckduckgo.com', 'ifconfig.me', 'ipinfo.io', 'icanhazip.com', 'ipify.org', 'httpbin.org', 'postman-echo.com', 'webhook.site', 'requestbin.com',
];

/** Subdomains of these are a project's own deployment on a hosting platform (`acme-api.fly.dev`). */
const PLATFORM_SUFFIXES = [
  'vercel.app', 'netlify.app', 'herokuapp.com', 'fly.dev', 'onrender.com', 'up.railway.app', 'railway.app', 'pages.dev', 'workers.dev', 'azurewebsites.net',
  'azurestaticapps.net', 'azurecontainerapps.io', 'cloudapp.azure.com', 'cloudfront.net', 'run.app', 'appspot.com', 'web.app', 'firebaseapp.com', 'supabase.co',
  'elasticbeanstalk.com', 'awsapprunner.com', 'amplifyapp.com', 'on.aws', 'deno.dev', 'ondigitalocean.app', 'koyeb.app', 'render.app', 'surge.sh', 'glitch.me',
  'ngrok.io', 'ngrok-free.app', 'ngrok.app', 'trycloudflare.com', 'neon.tech', 'planetscale.com', 'turso.io', 'upstash.io', 'mongodb.net', 'redis-cloud.com', 'redislabs.com',
  'cockroachlabs.cloud', 'aivencloud.com', 'clickhouse.cloud', 'elastic-cloud.com', 'cloud.es.io', 'sentry.io',
];

/** AWS host names that are a project's own resource (API Gateway, load balancer, RDS, ElastiCache…). */
const AWS_OWN = /\.(execute-api|elb|rds|cache|es|aoss|lambda-url|appsync-api|apprunner|elasticbeanstalk|eks|ecs|cloudfront|s3-website[\w.-]*)\.([\w-]+\.)?amazonaws\.com$|^[\w-]+\.s3[\w.-]*\.amazonaws\.com$|\.compute(-\d)?\.amazonaws\.com$|\.elb\.amazonaws\.com$/i;

function suffixMatch(h: string, list: readonly string[]): string | undefined {
  for (const s of list) if (h === s || h.endsWith('.' + s)) return s;
  return undefined;
}

export type HostClass = 'local' | 'reserved' | 'public' | 'own' | 'dynamic';

/**
 * What a host names: loopback / CI containers (`local`), documentation names (`reserved`), a public service
 * (`public`), a variable (`dynamic`: `${{ vars.HOST }}`, `$HOST`), or the project's own environment (`own`).
 */
export function classifyHost(rawHost: string): HostClass {
  const host = rawHost.trim().toLowerCase().replace(/\.$/, '');
  if (!host) return 'dynamic';
  if (/[$%{}<>*]/.test(host)) return 'dynamic';
  if (isLocalHost(host)) return 'local';
  if (isReservedHost(host)) return 'reserved';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    const o = host.split('.').map(Number);
    if (o.some((x) => x > 255)) return 'public';
    if (o[0] === 169 && o[1] === 254) return 'local'; // link-local, cloud metadata
    return 'own';
  }
  if (host.includes(':')) return /^[0-9a-f:]+$/.test(host) ? 'own' : 'public';
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) return 'public';
  if (/\.(js|mjs|cjs|ts|tsx|jsx|json|ya?ml|html?|md|sh|py|txt|log|lock|tgz|zip|png|svg|css|xml|toml|conf|cfg|ini|env|pem|key|crt|sql|tar|gz|exe|rb|go|rs|java|kt|sum|mod)$/.test(host)) return 'public';
  if (!/\.[a-z][a-z0-9-]*[a-z0-9]$/.test(host)) return 'public';
  if (AWS_OWN.test(host)) return 'own';
  const plat = suffixMatch(host, PLATFORM_SUFFIXES);
  if (plat) {
    if (host === plat) return 'public';
    // vendor-operated endpoints under a platform suffix (`qstash.upstash.io`, `o123.ingest.sentry.io`)
    if (plat === 'sentry.io' || /^(qstash|global|api)[\w-]*\.upstash\.io$/.test(host)) return 'public';
    return 'own';
  }
  if (suffixMatch(host, PUBLIC_SUFFIXES)) return 'public';
  if (/\.amazonaws\.com$/.test(host)) return 'public';
  return 'own';
}

export interface UrlMatch {
  readonly url: string;
  /** offsets of the URL in the string it was found in */
  readonly start: number;
  readonly end: number;
  readonly scheme: string;
  readonly host: string;
  /** the end of `scheme://[user@]host[:port]` in the string */
  readonly originEnd: number;
}

const URL_RE = /\b([a-z][a-z0-9+.-]{1,15}):\/\/((?:[^\s'"`@/?#]*@)?)(\[[0-9a-fA-F:]+\]|\$\{\{[^}]*\}\}|[^\s'"`/?#:,;)\]}]+)(:[^\s'"`/?#,;)\]]*)?([^\s'"`<>)\]},;]*)/gi;

/** URLs with a scheme in a string (`https://api.acme.com/health`, `postgres://u:p@db.internal:5432/app`). */
export function findUrls(s: string): UrlMatch[] {
  const out: UrlMatch[] = [];
  URL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = URL_RE.exec(s)) && guard++ < 200) {
    const scheme = m[1].toLowerCase();
    if (!/^(https?|wss?|ssh|sftp|ftp|ftps|rsync|tcp|grpcs?|postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|redis|rediss|amqps?|nats|kafka|s3|git\+ssh|git)$/.test(scheme)) continue;
    let url = m[0].replace(/[.,:;]+$/, '');
    const host = m[3];
    const originEnd = m.index + m[1].length + 3 + m[2].length + m[3].length + (m[4] ?? '').length;
    out.push({ url, start: m.index, end: m.index + url.length, scheme, host: host.replace(/^\[|\]$/g, ''), originEnd: Math.min(originEnd, m.index + url.length) });
  }
  return out;
}

/** A bare host value (`203.0.113.7`, `deploy.acme.com`, `deploy.acme.com:2222`), or undefined. */
export function bareHost(s: string): string | undefined {
  const t = s.trim();
  const m = /^(?:[\w.-]+@)?((?:\d{1,3}\.){3}\d{1,3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::\d{1,5})?\/?$/.exec(t);
  return m ? m[1] : undefined;
}

// ── script ↔ file offsets ────────────────────────────────────────────────────────────────────────

/**
 * Script offsets ↔ file offsets for one `run:` (or other) scalar, built once in linear time. A literal block
 * (`|`) maps line by line (its lines are the script's lines, indented); a one-line plain or quoted scalar
 * without escapes maps directly. Anything else (folded blocks, escapes) has no exact mapping, and a line
 * offset falls back to the scalar's start.
 */
export class ScriptMap {
  private readonly scriptLineStarts: number[] = [0];
  /** per script line: the file offset of its first character, or -1 when it cannot be matched */
  private readonly fileLineStarts: number[] = [];
  private readonly direct: number | undefined;
  private readonly start: number;

  constructor(
    private readonly fileText: string,
    node: ScalarLike,
    private readonly script: string,
  ) {
    for (let i = 0; i < script.length; i++) if (script.charCodeAt(i) === 10) this.scriptLineStarts.push(i + 1);
    const range = node.range;
    this.start = range ? range[0] : 0;
    if (!range) return;
    const head = fileText[range[0]];
    if (head === '|') {
      let at = fileText.indexOf('\n', range[0]) + 1;
      for (let k = 0; k < this.scriptLineStarts.length; k++) {
        const sStart = this.scriptLineStarts[k];
        const sEnd = k + 1 < this.scriptLineStarts.length ? this.scriptLineStarts[k + 1] - 1 : script.length;
        const line = script.slice(sStart, sEnd);
        if (at <= 0 || at > range[1]) {
          this.fileLineStarts.push(-1);
          continue;
        }
        const e = fileText.indexOf('\n', at);
        const fEnd = e < 0 ? fileText.length : e;
        const fLine = fileText.slice(at, fEnd).replace(/\r$/, '');
        // the file line is the script line behind the block's indentation
        if (line === '' ? fLine.trim() === '' : fLine.endsWith(line) && fLine.slice(0, fLine.length - line.length).trim() === '') this.fileLineStarts.push(at + fLine.length - line.length);
        else this.fileLineStarts.push(-1);
        at = e < 0 ? fileText.length + 1 : e + 1;
      }
      return;
    }
    if (head === '>') return;
    const src = fileText.slice(range[0], range[1]);
    const q = src[0] === '"' || src[0] === "'" ? 1 : 0;
    const inner = q ? src.slice(1, -1) : src;
    if (inner === script) this.direct = range[0] + q;
  }

  private lineIndex(offset: number): number {
    const a = this.scriptLineStarts;
    let lo = 0;
    let hi = a.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The exact file offset of a script offset, or undefined. */
  fileOffset(offset: number): number | undefined {
    if (this.direct !== undefined) return this.direct + offset;
    if (!this.fileLineStarts.length) return undefined;
    const k = this.lineIndex(offset);
    const f = this.fileLineStarts[k];
    return f === undefined || f < 0 ? undefined : f + (offset - this.scriptLineStarts[k]);
  }

  /** The exact file range of a script range on one line, or undefined. */
  fileRange(start: number, end: number): [number, number] | undefined {
    const a = this.fileOffset(start);
    const b = this.fileOffset(end);
    if (a === undefined || b === undefined || b < a) return undefined;
    if (this.fileText.slice(a, b) !== this.script.slice(start, end)) return undefined;
    return [a, b];
  }

  /** Where to report a script offset: its line's first non-blank character in the file, else the scalar's start. */
  lineOffset(offset: number): number {
    if (this.direct !== undefined || !this.fileLineStarts.length) return this.start;
    const k = this.lineIndex(offset);
    const f = this.fileLineStarts[k];
    if (f === undefined || f < 0) return this.start;
    const sStart = this.scriptLineStarts[k];
    const lead = /^[ \t]*/.exec(this.script.slice(sStart, sStart + 200))![0].length;
    return f + lead;
  }
}

interface ScalarLike {
  readonly range?: readonly [number, number, number?] | null;
  readonly value: unknown;
}

/** The scripts of `$(…)` command substitutions in a command's words (one level). */
export function substitutedScripts(cmds: readonly ShellCommand[]): string[] {
  const out: string[] = [];
  for (const c of cmds) {
    for (const w of c.words) {
      let at = w.text.indexOf('$(');
      let guard = 0;
      while (at >= 0 && guard++ < 16) {
        const end = matchClose(w.text, at + 1);
        out.push(w.text.slice(at + 2, Math.max(at + 2, end - 1)));
        at = w.text.indexOf('$(', end);
      }
    }
  }
  return out;
}
