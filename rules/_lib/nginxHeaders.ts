/**
 * nginx response headers as nginx computes them: `add_header` (and headers-more's `more_set_headers`) written in
 * `http`, `server`, `location` and `if` blocks, with `include`s expanded through `ctx.nginxIncluded`.
 *
 * Inheritance follows nginx: a block inherits the `add_header` list of the block around it only when it has no
 * `add_header` of its own (one `add_header Cache-Control …` in a location drops every inherited header, HSTS
 * included). `more_set_headers` lists inherit the same way, separately. An include that cannot be read inside the
 * project makes a level "unknown": it may set any header.
 */
import type { NginxDirective, RuleContext } from '../../server/src/engine/api';

/** A directive of a block, possibly read through an `include` of that block. */
export interface Child {
  readonly directive: NginxDirective;
  /** the `include` of the linted file it came through (report there: its own position is in another file) */
  readonly via?: NginxDirective;
}

export interface HeaderEntry {
  /** lower-cased header name */
  readonly name: string;
  readonly value: string;
  readonly directive: NginxDirective;
  readonly via?: NginxDirective;
}

/** The headers one level writes itself. */
export interface OwnHeaders {
  readonly add: readonly HeaderEntry[];
  readonly more: readonly HeaderEntry[];
  /** an include of this level could not be read: it may add headers */
  readonly unknown: boolean;
  /** `add_header_inherit` written at this level */
  readonly mode?: 'on' | 'off' | 'merge';
}

/** The headers that apply at a level after inheritance. */
export interface EffectiveHeaders {
  readonly add: readonly HeaderEntry[];
  readonly more: readonly HeaderEntry[];
  readonly unknown: boolean;
  /** `add_header_inherit` in effect here (nginx ≥ 1.29.3): `on` (the classic rule), `off`, or `merge` */
  readonly mode?: 'on' | 'off' | 'merge';
}

export const NO_HEADERS: EffectiveHeaders = { add: [], more: [], unknown: false };

/**
 * Includes that never add headers: nginx's own parameter files and MIME maps, certbot's TLS options, and the
 * folders of server definitions (`conf.d/*.conf`, `sites-enabled/*`), which hold `server` blocks, not headers.
 */
const HEADERLESS_INCLUDE = /(^|\/)(mime\.types|fastcgi_params|fastcgi\.conf|fastcgi-php\.conf|proxy_params|proxy\.conf|uwsgi_params|scgi_params|koi-utf|koi-win|win-utf|options-ssl-nginx\.conf|ssl-dhparams\.pem)$|(^|\/)(conf\.d|sites-enabled|sites-available|modules-enabled|modules|stream\.d|vhosts?\.d|servers?)\/[^/]*\*[^/]*$/;

export function isHeaderlessInclude(pattern: string): boolean {
  return HEADERLESS_INCLUDE.test(pattern);
}

/**
 * The directives of a block list with its `include`s replaced by what they include (nested includes too, a few
 * levels deep). `unknown` is set when an include that may carry directives could not be read.
 */
export function expand(ctx: RuleContext, list: readonly NginxDirective[], depth = 0, via?: NginxDirective): { children: Child[]; unknown: boolean } {
  const children: Child[] = [];
  let unknown = false;
  for (const d of list) {
    if (d.name !== 'include' || d.block) {
      children.push(via ? { directive: d, via } : { directive: d });
      continue;
    }
    const pattern = d.args[0]?.value ?? '';
    const included = depth < 6 ? safeIncluded(ctx, d) : [];
    if (!included.length) {
      if (!isHeaderlessInclude(pattern)) unknown = true;
      continue;
    }
    const inner = expand(ctx, included, depth + 1, via ?? d);
    children.push(...inner.children);
    if (inner.unknown) unknown = true;
  }
  return { children, unknown };
}

function safeIncluded(ctx: RuleContext, d: NginxDirective): readonly NginxDirective[] {
  try {
    return ctx.nginxIncluded(d);
  } catch {
    return [];
  }
}

/** `add_header Name value [always]` and `more_set_headers 'Name: value' …` written at this level. */
export function ownHeaders(children: readonly Child[], unknown: boolean): OwnHeaders {
  const add: HeaderEntry[] = [];
  const more: HeaderEntry[] = [];
  for (const c of children) {
    const d = c.directive;
    if (d.name === 'add_header' && d.args.length >= 2) {
      add.push({ name: d.args[0].value.toLowerCase(), value: d.args[1].value, directive: d, ...(c.via ? { via: c.via } : {}) });
    } else if (d.name === 'more_set_headers') {
      for (const a of d.args) {
        // options (-s 200, -t text/html) are skipped; each header is one 'Name: value' argument
        if (a.value.startsWith('-')) continue;
        const colon = a.value.indexOf(':');
        if (colon <= 0) continue;
        more.push({ name: a.value.slice(0, colon).trim().toLowerCase(), value: a.value.slice(colon + 1).trim(), directive: d, ...(c.via ? { via: c.via } : {}) });
      }
    }
  }
  const modeDirective = children.filter((c) => c.directive.name === 'add_header_inherit').pop()?.directive.args[0]?.value;
  const mode = modeDirective === 'on' || modeDirective === 'off' || modeDirective === 'merge' ? modeDirective : undefined;
  return { add, more, unknown, ...(mode ? { mode } : {}) };
}

/** nginx's rule: a level with any `add_header` of its own (or an unreadable include) does not inherit. */
export function inherit(own: OwnHeaders, parent: EffectiveHeaders): EffectiveHeaders {
  const mode = own.mode ?? parent.mode ?? 'on';
  const ownAdd = own.add.length > 0 || own.unknown;
  const ownMore = own.more.length > 0 || own.unknown;
  // `add_header_inherit merge` keeps the outer add_headers next to the level's own; `off` drops them always
  const add = mode === 'merge' ? [...parent.add, ...own.add] : mode === 'off' || ownAdd ? own.add : parent.add;
  const addFromParent = mode === 'merge' || (mode === 'on' && !ownAdd);
  return {
    add,
    more: ownMore ? own.more : parent.more,
    unknown: own.unknown || (addFromParent && parent.unknown) || (!ownMore && parent.unknown),
    ...(mode !== 'on' ? { mode } : {}),
  };
}

/** The entries of a header (lower-cased name) in an effective set. */
export function headerEntries(h: EffectiveHeaders, name: string): HeaderEntry[] {
  return [...h.add, ...h.more].filter((e) => e.name === name);
}

/** A block's level: its expanded children, own headers and effective headers. */
export interface Level {
  readonly block: NginxDirective;
  readonly children: readonly Child[];
  readonly own: OwnHeaders;
  readonly headers: EffectiveHeaders;
  /** the `location` / `if` levels directly inside it (through includes too) */
  readonly nested: readonly Level[];
}

/** Build the level of a block (a server, a location, an if) and of the location/if blocks inside it. */
export function levelOf(ctx: RuleContext, block: NginxDirective, parent: EffectiveHeaders, depth = 0): Level {
  const { children, unknown } = expand(ctx, block.block ?? []);
  const own = ownHeaders(children, unknown);
  const headers = inherit(own, parent);
  const nested: Level[] = [];
  if (depth < 12) {
    for (const c of children) {
      const d = c.directive;
      if (d.block && (d.name === 'location' || d.name === 'if' || d.name === 'limit_except')) nested.push(levelOf(ctx, d, headers, depth + 1));
    }
  }
  return { block, children, own, headers, nested };
}

/** Every level inside a level (not itself), depth first. */
export function* innerLevels(l: Level): Generator<Level> {
  for (const n of l.nested) {
    yield n;
    yield* innerLevels(n);
  }
}

/**
 * The headers of the `http` block that includes this file, for a file of `server` blocks (`conf.d/*.conf`,
 * `sites-enabled/*`): the nearest `nginx.conf` at or above the file's folder is read, and its `http` blocks
 * whose `include` patterns name this file (by folder and file name) give their effective headers. Undefined when
 * no such file or block is in the project.
 */
export function includingHttpHeaders(ctx: RuleContext): EffectiveHeaders | undefined {
  const base = ctx.file.path.split('/').pop() ?? '';
  if (base === 'nginx.conf') return undefined;
  const probe: NginxDirective = { name: 'include', args: [{ value: 'nginx.conf', start: 0, end: 0, quoted: false }], start: 0, end: 0, line: 1 };
  const main = safeIncluded(ctx, probe);
  for (const d of main) {
    if (d.name !== 'http' || !d.block) continue;
    if (!d.block.some((c) => c.name === 'include' && includeNames(c.args[0]?.value ?? '', ctx.file.path))) continue;
    const { children, unknown } = expand(ctx, d.block);
    return inherit(ownHeaders(children, unknown), NO_HEADERS);
  }
  return undefined;
}

/** Does an include pattern (`/etc/nginx/conf.d/*.conf`, `sites-enabled/*`) name the file at `path`? */
export function includeNames(pattern: string, path: string): boolean {
  const pat = pattern.replace(/^\/+/, '').split('/');
  const parts = path.split('/');
  const globToRe = (g: string) => new RegExp(`^${g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  if (!globToRe(pat[pat.length - 1]).test(parts[parts.length - 1])) return false;
  if (pat.length < 2) return true;
  const folder = (s: string | undefined) => (s === 'sites-available' ? 'sites-enabled' : s);
  return folder(pat[pat.length - 2]) === folder(parts[parts.length - 2]);
}
