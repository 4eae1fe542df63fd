import { defineRule, qualifiedName, type Fix, type RuleContext, type SqlStatement, type SqlToken } from '../../server/src/engine/api';

/**
 * Where row level security matters: tables the Supabase Data API (PostgREST) serves to the anon and
 * authenticated roles. A project counts as Supabase when the migration sits under `supabase/migrations/`, when
 * its package uses a Supabase client, or when the migration itself speaks Supabase / PostgREST (auth.uid(),
 * auth.users, storage.objects, grants to anon / authenticated, policies, RLS on other tables).
 */
const SUPABASE_PATH = /(^|\/)supabase\/migrations\//;
const SUPABASE_SQL =
  /\bauth\s*\.\s*(uid|jwt|role|email)\s*\(|\bauth\s*\.\s*"?users\b|\bstorage\s*\.\s*"?(objects|buckets)\b|\bTO\s+"?(anon|authenticated|service_role|web_anon)\b|\bsupabase_(realtime|functions|admin)\b|\bCREATE\s+POLICY\b|\bENABLE\s+ROW\s+LEVEL\s+SECURITY\b/i;

function isSupabaseProject(ctx: RuleContext): boolean {
  if (SUPABASE_PATH.test(ctx.file.path)) return true;
  const deps = ctx.packageJson?.dependencies;
  if (deps) for (const d of deps) if (d.startsWith('@supabase/') || d === 'supabase') return true;
  return SUPABASE_SQL.test(ctx.file.text);
}

/** The migrations folder a file belongs to: up to its last `migrations`/`migration` folder, else its own folder. */
function migrationsFolder(path: string): string {
  const parts = path.split('/');
  for (let i = parts.length - 2; i >= 0; i--) if (/^migrations?$/i.test(parts[i])) return parts.slice(0, i + 1).join('/');
  return parts.slice(0, -1).join('/');
}

const factKey = (folder: string, schema: string, table: string) => `rls:${folder}:${schema}.${table}`;

const upper = (t: SqlToken | undefined) => (t && t.type === 'word' ? t.value.toUpperCase() : '');

export default defineRule({
  id: 'rls-disabled',
  title: 'Table without row level security',
  summary: 'A table in the public schema is created without enabling row level security in the same or a later migration.',
  severity: 'error',
  kinds: ['sql'],
  scope: 'project',
  checklist: '003 §1.1',
  fixable: false,
  hasSuggestions: true,
  messages: {
    noRls: 'Table "{{table}}" is created in the public schema and no migration from here on enables row level security on it.',
  },
  textHint: /\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:UNLOGGED\s+)?TABLE\b|ROW\s+LEVEL\s+SECURITY|\bDROP\s+TABLE\b|\bALTER\s+TABLE\b/i,
  check(ctx) {
    const folder = migrationsFolder(ctx.file.path);
    const supabase = isSupabaseProject(ctx);
    let schema: string | undefined = 'public';
    const resolve = (s: string | undefined) => s ?? schema;

    for (const st of ctx.sql.statements) {
      const t = st.tokens;
      const w0 = upper(t[0]);
      if (w0 === 'SET' || w0 === 'SELECT') {
        const next = searchPath(st);
        if (next !== null) schema = next;
        continue;
      }
      if (w0 === 'ALTER' && upper(t[1]) === 'TABLE') {
        alterTable(ctx, st, folder, resolve);
        continue;
      }
      if (w0 === 'DROP' && upper(t[1]) === 'TABLE') {
        // DROP TABLE [IF EXISTS] a, b: a dropped table needs no policy
        let k = 2;
        if (upper(t[k]) === 'IF' && upper(t[k + 1]) === 'EXISTS') k += 2;
        while (k < t.length) {
          const n = qualifiedName(t, k);
          if (!n) break;
          const s = resolve(n.schema);
          if (s) ctx.fact(factKey(folder, s, n.name));
          k = n.next;
          if (t[k]?.type === 'punct' && t[k].value === ',') k++;
          else break;
        }
        continue;
      }
      if (w0 === 'DO' || st.tokens.some((x) => x.type === 'dollar')) {
        // DO $$ … ALTER TABLE public.x ENABLE ROW LEVEL SECURITY … $$ with static names
        for (const x of t) if (x.type === 'dollar') dynamicEnables(ctx, x.value, folder, resolve);
      }
      if (w0 !== 'CREATE' || !supabase) continue;
      const created = createdTable(st);
      if (!created) continue;
      const s = resolve(created.schema);
      if (s !== 'public') continue;
      const nameText = ctx.file.text.slice(created.start, created.end);
      ctx.report({
        messageId: 'noRls',
        data: { table: created.name },
        range: [st.start, created.end],
        suggestions: [enableSuggestion(ctx, st, nameText)],
        unless: { fact: factKey(folder, 'public', created.name), scope: 'project', after: true },
      });
    }
  },
});

/** `CREATE [GLOBAL|LOCAL] [UNLOGGED] TABLE [IF NOT EXISTS] name …` (not temporary tables, partitions or foreign tables). */
function createdTable(st: SqlStatement): { schema: string | undefined; name: string; start: number; end: number } | undefined {
  const t = st.tokens;
  let k = 1;
  if (upper(t[k]) === 'GLOBAL' || upper(t[k]) === 'LOCAL') k++;
  const mod = upper(t[k]);
  if (mod === 'TEMP' || mod === 'TEMPORARY') return undefined;
  if (mod === 'UNLOGGED') k++;
  if (upper(t[k]) !== 'TABLE') return undefined;
  k++;
  if (upper(t[k]) === 'IF' && upper(t[k + 1]) === 'NOT' && upper(t[k + 2]) === 'EXISTS') k += 3;
  const n = qualifiedName(t, k);
  if (!n) return undefined;
  // a partition is read through its parent, whose RLS applies
  if (upper(t[n.next]) === 'PARTITION' && upper(t[n.next + 1]) === 'OF') return undefined;
  return { schema: n.schema, name: n.name, start: n.start, end: n.end };
}

/**
 * ALTER TABLE [IF EXISTS] [ONLY] name … ENABLE ROW LEVEL SECURITY (among other actions), or a rename / move that
 * takes the name out of the public schema.
 */
function alterTable(ctx: RuleContext, st: SqlStatement, folder: string, resolve: (s: string | undefined) => string | undefined): void {
  const t = st.tokens;
  let k = 2;
  if (upper(t[k]) === 'IF' && upper(t[k + 1]) === 'EXISTS') k += 2;
  if (upper(t[k]) === 'ONLY') k++;
  const n = qualifiedName(t, k);
  if (!n) return;
  const s = resolve(n.schema);
  if (!s) return;
  for (let i = n.next; i < t.length; i++) {
    const w = upper(t[i]);
    if (w === 'ENABLE' && upper(t[i + 1]) === 'ROW' && upper(t[i + 2]) === 'LEVEL' && upper(t[i + 3]) === 'SECURITY') {
      ctx.fact(factKey(folder, s, n.name));
      return;
    }
    // RENAME TO other / SET SCHEMA other: this name no longer holds the table
    if ((w === 'RENAME' && upper(t[i + 1]) === 'TO') || (w === 'SET' && upper(t[i + 1]) === 'SCHEMA')) {
      ctx.fact(factKey(folder, s, n.name));
      return;
    }
  }
}

const DYNAMIC_ENABLE = /\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?)\s+ENABLE\s+ROW\s+LEVEL\s+SECURITY/gi;

function dynamicEnables(ctx: RuleContext, body: string, folder: string, resolve: (s: string | undefined) => string | undefined): void {
  if (!/ROW\s+LEVEL\s+SECURITY/i.test(body)) return;
  let m: RegExpExecArray | null;
  DYNAMIC_ENABLE.lastIndex = 0;
  while ((m = DYNAMIC_ENABLE.exec(body))) {
    const parts = m[1].split(/\s*\.\s*/).map((p) => (p.startsWith('"') ? p.slice(1, -1) : p.toLowerCase()));
    const [schema, name] = parts.length === 2 ? [parts[0], parts[1]] : [undefined, parts[0]];
    const s = resolve(schema);
    if (s) ctx.fact(factKey(folder, s, name));
  }
}

/**
 * `SET search_path TO app, public` / `SET search_path = ''` / `SELECT pg_catalog.set_config('search_path', '', false)`:
 * the schema unqualified names go to from here on (undefined: none, as in pg_dump output), or null when the
 * statement does not set it.
 */
function searchPath(st: SqlStatement): string | undefined | null {
  const t = st.tokens;
  let values: SqlToken[] | undefined;
  if (upper(t[0]) === 'SET') {
    let k = 1;
    if (upper(t[k]) === 'SESSION' || upper(t[k]) === 'LOCAL') k++;
    if (t[k]?.value.toLowerCase() !== 'search_path') return null;
    k++;
    if (upper(t[k]) === 'TO' || (t[k]?.type === 'punct' && t[k].value === '=')) k++;
    values = t.slice(k).filter((x) => !(x.type === 'punct' && x.value === ','));
  } else {
    const i = t.findIndex((x) => x.type === 'word' && x.value.toLowerCase() === 'set_config');
    if (i < 0 || t[i + 2]?.type !== 'string' || t[i + 2].value.toLowerCase() !== 'search_path') return null;
    const v = t[i + 4];
    if (v?.type !== 'string') return null;
    values = v.value.split(',').map((p) => ({ type: 'string' as const, value: p.trim(), start: v.start, end: v.end }));
  }
  for (const v of values) {
    const name = v.type === 'word' ? v.value.toLowerCase() : v.value.trim();
    if (name === '' || name === '"$user"' || name === '$user') continue;
    if (upper(v) === 'DEFAULT') return 'public';
    return name.replace(/^"|"$/g, '');
  }
  return undefined;
}

function enableSuggestion(ctx: RuleContext, st: SqlStatement, name: string): Fix {
  const text = ctx.file.text;
  const eol = ctx.style.eol;
  const hasSemi = text[st.end - 1] === ';';
  // keywords in the case the statement is written in
  const lower = st.tokens[0]?.value === st.tokens[0]?.value.toLowerCase();
  // after the statement's line when only a comment follows it there
  const line = ctx.lines.lineOf(Math.max(st.start, st.end - 1));
  const lineEnd = ctx.lines.lineEnd(line);
  const at = hasSemi && /^[ \t]*(--.*)?$/.test(text.slice(st.end, lineEnd)) ? lineEnd : st.end;
  return {
    title: `Enable row level security on ${name} (add policies for the roles that need access)`,
    edits: [{ start: at, end: at, text: `${hasSemi ? '' : ';'}${eol}${lower ? 'alter table' : 'ALTER TABLE'} ${name} ${lower ? 'enable row level security' : 'ENABLE ROW LEVEL SECURITY'};` }],
  };
}
