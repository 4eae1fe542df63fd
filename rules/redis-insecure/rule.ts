import { defineRule, isScalar, isSeq, mapGet, resolveNode, type Fix, type RedisDirective, type RuleContext, type Scalar } from '../../server/src/engine/api';
import { composeServices, type ComposeService } from '../_lib/compose';
import { imageName } from '../_lib/datastores';

/** Addresses that mean "every interface" in `bind`. */
const ALL_INTERFACES = /^-?(0\.0\.0\.0|\*|::|::\*|\[::\])$/;
/** Eviction policies that make the data disposable by design: a cache. */
const CACHE_POLICY = /^allkeys-(lru|lfu|random)$/i;
/** Images that run redis-server (Redis and the forks that read its flags). */
const REDIS_IMAGES = new Set(['redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb']);

export default defineRule({
  id: 'redis-insecure',
  title: 'Insecure Redis configuration',
  summary: 'Redis runs with protected mode off, listens on every interface without a password, or keeps no append-only file.',
  severity: 'warning',
  kinds: ['redis', 'compose'],
  scope: 'file',
  checklist: '001 ph.3, 004 §3.2.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    protectedModeOff: 'protected-mode no with no password lets any client that reaches the port run every command.',
    bindAllNoAuth: 'Redis listens on every interface ({{address}}) and no password is set.',
    appendonlyOff: 'appendonly no keeps no append-only file: every write since the last snapshot is lost when Redis stops.',
    serviceProtectedModeOff: 'Service "{{service}}" runs redis-server with --protected-mode no and no --requirepass.',
    serviceBindAllNoAuth: 'Service "{{service}}" runs redis-server on every interface ({{address}}) with no --requirepass.',
    serviceAppendonlyOff: 'Service "{{service}}" runs redis-server with --appendonly no: writes since the last snapshot are lost when it stops.',
  },
  textHint: /protected-mode|appendonly|\bbind\b/i,
  check(ctx) {
    if (ctx.file.kind === 'compose') return checkCompose(ctx);
    return checkConf(ctx);
  },
});

// ---------------------------------------------------------------- redis.conf

/**
 * Is the default user protected by a password? `requirepass`, an `aclfile`, or a `user default` line that
 * switches it off or gives it a password. An `include` may hold any of these: counted as protected.
 */
function confHasAuth(conf: RuleContext['redis']): boolean {
  if (conf.all('include').length || conf.all('aclfile').length) return true;
  const defaults = conf.all('user').filter((u) => u.args[0]?.value === 'default');
  const last = defaults[defaults.length - 1];
  if (last) {
    const rules = last.args.slice(1).map((a) => a.value);
    if (rules.includes('off')) return true;
    if (rules.includes('nopass')) return false;
    if (rules.some((r) => /^[>#]./.test(r))) return true;
  }
  const pass = conf.last('requirepass');
  return !!pass && !!pass.args[0] && pass.args[0].value !== '';
}

function isCache(conf: RuleContext['redis']): boolean {
  const policy = conf.last('maxmemory-policy')?.args[0]?.value ?? '';
  if (CACHE_POLICY.test(policy)) return true;
  // `save ""`: snapshots off too, so no persistence at all was chosen on purpose
  const save = conf.last('save');
  return !!save && (save.args.length === 0 || (save.args.length === 1 && save.args[0].value === ''));
}

function checkConf(ctx: RuleContext): void {
  const conf = ctx.redis;
  // Sentinel configs keep no data; their own security is another matter
  const sentinel = conf.directives.some((d) => d.name === 'sentinel');
  const auth = confHasAuth(conf);
  const bind = conf.last('bind');
  const allBind = bind?.args.find((a) => ALL_INTERFACES.test(a.value));
  const loopbackOnly = !!bind && bind.args.length > 0 && bind.args.every((a) => /^-?(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(a.value));

  const protectedMode = conf.last('protected-mode');
  if (protectedMode && isNo(protectedMode) && !auth && !loopbackOnly) {
    ctx.report({ messageId: 'protectedModeOff', range: [protectedMode.start, protectedMode.end], fix: valueFix(ctx, protectedMode, 'Turn protected mode on') });
  }
  if (bind && allBind && !auth) {
    ctx.report({ messageId: 'bindAllNoAuth', data: { address: allBind.value }, range: [bind.start, bind.end] });
  }
  const aof = conf.last('appendonly');
  if (aof && isNo(aof) && !sentinel && !isCache(conf)) {
    ctx.report({ messageId: 'appendonlyOff', range: [aof.start, aof.end], fix: valueFix(ctx, aof, 'Turn the append-only file on') });
  }
}

function isNo(d: RedisDirective): boolean {
  return d.args.length === 1 && d.args[0].value.toLowerCase() === 'no';
}

/** `protected-mode no` → `protected-mode yes`, inside the quotes when the value is quoted. */
function valueFix(ctx: RuleContext, d: RedisDirective, title: string): Fix {
  const a = d.args[0];
  const q = ctx.file.text[a.start];
  const quoted = (q === '"' || q === "'") && a.end - a.start >= 2;
  return { title, edits: [{ start: quoted ? a.start + 1 : a.start, end: quoted ? a.end - 1 : a.end, text: yesLike(a.value) }] };
}

// ---------------------------------------------------------------- compose

/** One word of a compose `command:` with its offsets in the file (when it is written plainly enough to find). */
interface Word {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The words of the service's entrypoint and command, each located in the source: the string form is split on
 * blanks, list items are split too (`sh -c "redis-server --appendonly no"`), quotes around a word are stripped.
 */
function commandWords(ctx: RuleContext, svc: ComposeService): Word[] {
  const out: Word[] = [];
  const text = ctx.file.text;
  const fromScalar = (node: Scalar) => {
    if (!node.range) return;
    const [s, e] = node.range;
    let src = text.slice(s, e);
    // blank out what is not content: a block scalar's indicator (`>-`, `|`), the quotes around a quoted scalar
    const indicator = /^[>|][-+0-9]*/.exec(src);
    if (indicator) src = ' '.repeat(indicator[0].length) + src.slice(indicator[0].length);
    else if ((src[0] === '"' || src[0] === "'") && src.length >= 2 && src.endsWith(src[0])) src = ` ${src.slice(1, -1)} `;
    const re = /\S+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(src))) {
      // quotes around a word, or opening / closing a shell string the word starts or ends (`"redis-server`)
      const lead = /^["']*/.exec(m[0])![0].length;
      const trail = m[0].length > lead ? /["']*$/.exec(m[0])![0].length : 0;
      const start = s + m.index + lead;
      const end = s + m.index + m[0].length - trail;
      out.push({ value: text.slice(start, Math.max(start, end)), start, end: Math.max(start, end) });
    }
  };
  for (const key of ['entrypoint', 'command']) {
    const node = resolveNode(mapGet(svc.def, key, svc.doc), svc.doc);
    if (isScalar(node)) fromScalar(node as Scalar);
    else if (isSeq(node)) for (const item of node.items) if (isScalar(item)) fromScalar(item as Scalar);
  }
  return out;
}

function isRedisService(svc: ComposeService, words: readonly Word[]): boolean {
  if (words.some((w) => /(^|\/)(redis|valkey|keydb)-server$/.test(w.value))) return true;
  if (!svc.image) return false;
  const name = imageName(svc.image);
  // the official image runs redis-server when the command starts with a flag
  return REDIS_IMAGES.has(name) && (words.length === 0 || words[0].value.startsWith('--'));
}

function checkCompose(ctx: RuleContext): void {
  if (ctx.file.roles.dev) return;
  for (const svc of composeServices(ctx)) {
    if (!svc.def) continue;
    const words = commandWords(ctx, svc);
    if (!words.length || !isRedisService(svc, words)) continue;
    const flag = (name: string): { flag: Word; value: Word | undefined } | undefined => {
      let found: { flag: Word; value: Word | undefined } | undefined;
      for (let i = 0; i < words.length; i++) if (words[i].value === `--${name}`) found = { flag: words[i], value: words[i + 1] };
      return found;
    };
    const values = (name: string): string[] => {
      const out: string[] = [];
      for (let i = 0; i < words.length; i++) {
        if (words[i].value !== `--${name}`) continue;
        for (let j = i + 1; j < words.length && !words[j].value.startsWith('--'); j++) out.push(words[j].value);
      }
      return out;
    };
    // a config file given to redis-server holds settings we do not see here: judged where it is linted
    const auth = !!flag('requirepass') || !!flag('aclfile') || !!flag('user') || words.some((w) => /\.conf$/.test(w.value));
    const pm = flag('protected-mode');
    if (pm?.value && pm.value.value.toLowerCase() === 'no' && !auth) {
      ctx.report({ messageId: 'serviceProtectedModeOff', data: { service: svc.name }, range: [pm.flag.start, pm.value.end], fix: wordFix(pm.value, 'Turn protected mode on') });
    }
    const bind = flag('bind');
    const all = values('bind').find((v) => ALL_INTERFACES.test(v));
    if (bind && all && !auth) ctx.report({ messageId: 'serviceBindAllNoAuth', data: { service: svc.name, address: all }, range: [bind.flag.start, bind.flag.end] });
    const aof = flag('appendonly');
    if (aof?.value && aof.value.value.toLowerCase() === 'no') {
      const policy = flag('maxmemory-policy')?.value?.value ?? '';
      const saveOff = !!flag('save') && values('save').every((v) => v === '');
      if (!CACHE_POLICY.test(policy) && !saveOff) {
        ctx.report({ messageId: 'serviceAppendonlyOff', data: { service: svc.name }, range: [aof.flag.start, aof.value.end], fix: wordFix(aof.value, 'Turn the append-only file on') });
      }
    }
  }
}

function wordFix(w: Word, title: string): Fix {
  return { title, edits: [{ start: w.start, end: w.end, text: yesLike(w.value) }] };
}

/** `yes` in the case `no` was written in (`NO` → `YES`, `No` → `Yes`). */
function yesLike(no: string): string {
  if (no === no.toUpperCase() && no !== no.toLowerCase()) return 'YES';
  if (no[0] === no[0].toUpperCase() && no[0] !== no[0].toLowerCase()) return 'Yes';
  return 'yes';
}
