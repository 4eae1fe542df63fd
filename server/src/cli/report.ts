/**
 * The checklist report — what the release owner reads: every checklist item prodready checks, grouped by area,
 * passed or failing, with its count, its first findings linked to file and line, and the suppressed findings
 * with their reasons. `--format markdown` (also appended to $GITHUB_STEP_SUMMARY in GitHub Actions) and
 * `--format html` (one self-contained file: no scripts, fonts or images from the network).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Rule } from '../engine';
import { AREAS, itemOf, type ChecklistItem } from './checklist';
import { summarize, type Report } from './formatters';

/** How many findings an item lists before "and N more". */
const FIRST = 10;

interface Located {
  readonly file: string;
  readonly f: Finding;
}

interface Row {
  readonly rule: Rule;
  readonly item: ChecklistItem;
  readonly open: Located[];
  readonly suppressed: Located[];
  readonly baselined: number;
  readonly anchor: string;
}

export interface ReportLinks {
  /** e.g. https://github.com/acme/app/blob/<sha>/ — file links become `${base}${path}#L12` */
  readonly blobBase?: string;
  /** for HTML: the folder the report file is written to, so relative links resolve from it */
  readonly outDir?: string;
}

/** GitHub's blob URL of the checked-out commit, when the Actions environment names it. */
export function githubBlobBase(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  return server && repo && sha ? `${server}/${repo}/blob/${sha}/` : undefined;
}

function rows(report: Report): Row[] {
  const byRule = new Map<string, Row>();
  for (const rule of report.rules) {
    byRule.set(rule.id, { rule, item: itemOf(rule), open: [], suppressed: [], baselined: 0, anchor: `item-${rule.id}` });
  }
  for (const file of report.files) {
    for (const f of file.findings) {
      const row = byRule.get(f.ruleId);
      if (!row) continue;
      if (f.suppressed) row.suppressed.push({ file: file.path, f });
      else if (f.baselineState === 'unchanged') (row as { baselined: number }).baselined++;
      else row.open.push({ file: file.path, f });
    }
  }
  return [...byRule.values()].sort((a, b) => a.item.area - b.item.area || sectionKey(a.item.section).localeCompare(sectionKey(b.item.section)) || a.rule.id.localeCompare(b.rule.id));
}

/** §1.2 sorts before §1.10 and before other sources. */
function sectionKey(s: string): string {
  const m = /^§(\d+)(?:\.(\d+))?$/.exec(s);
  return m ? `0${m[1].padStart(3, '0')}.${(m[2] ?? '').padStart(3, '0')}` : `1${s}`;
}

function href(file: string, line: number, links: ReportLinks, cwd: string): string {
  if (links.blobBase) return `${links.blobBase}${file.split('/').map(encodeURIComponent).join('/')}#L${line}`;
  const target = links.outDir ? path.relative(links.outDir, path.resolve(cwd, file)).split(path.sep).join('/') : file;
  return `${target.split('/').map(encodeURIComponent).join('/')}#L${line}`;
}

function counts(report: Report, all: Row[]): { failing: number; total: number; line: string } {
  const s = summarize(report);
  const failing = all.filter((r) => r.open.length).length;
  const bits = [`${s.findings} finding${s.findings === 1 ? '' : 's'} (${s.errors} errors, ${s.warnings} warnings, ${s.infos} info)`, `${s.files} files checked`];
  if (s.suppressed) bits.push(`${s.suppressed} suppressed`);
  if (report.baseline) bits.push(`${s.baselined} in the baseline`);
  if (s.fixable) bits.push(`${s.fixable} fixable with \`prodready lint --fix\``);
  return { failing, total: all.length, line: bits.join(' · ') };
}

// ------------------------------------------------------------------------------------------------ markdown

function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

export function formatMarkdown(report: Report, links: ReportLinks = {}): string {
  const all = rows(report);
  const c = counts(report, all);
  const out: string[] = [];
  out.push(`# Production-readiness checklist`, '');
  out.push(`**${c.total - c.failing} of ${c.total} items pass** · ${c.line} · prodready ${report.toolVersion}`, '');
  for (const area of Object.keys(AREAS).map(Number)) {
    const list = all.filter((r) => r.item.area === area);
    if (!list.length) continue;
    out.push(`## ${area}. ${AREAS[area]}`, '', '| | Item | Rule | Findings |', '|:-:|---|---|--:|');
    for (const r of list) {
      const status = r.open.length ? '❌' : '✅';
      const extra = [r.suppressed.length ? `${r.suppressed.length} suppressed` : '', r.baselined ? `${r.baselined} baselined` : ''].filter(Boolean).join(', ');
      out.push(`| ${status} | ${r.open.length ? `[${r.item.section} ${mdEscape(r.item.title)}](#${r.anchor})` : `${r.item.section} ${mdEscape(r.item.title)}`} | \`${r.rule.id}\` | ${r.open.length}${extra ? ` (${extra})` : ''} |`);
    }
    out.push('');
  }
  const failing = all.filter((r) => r.open.length || r.suppressed.length);
  if (failing.length) out.push('## Findings', '');
  for (const r of failing) {
    out.push(`<a id="${r.anchor}"></a>`, `### ${r.open.length ? '❌' : '✅'} ${r.item.section} ${mdEscape(r.item.title)} (\`${r.rule.id}\`, ${r.rule.checklist})`, '');
    for (const { file, f } of r.open.slice(0, FIRST)) {
      out.push(`- [${mdEscape(file)}:${f.line}](${href(file, f.line, links, report.cwd)}) — ${mdEscape(f.message)}${f.fix ? ` — fix: ${mdEscape(f.fix.title)}` : ''}`);
    }
    if (r.open.length > FIRST) out.push(`- … and ${r.open.length - FIRST} more (\`prodready lint --format json\` lists them all)`);
    if (r.suppressed.length) {
      out.push('', 'Suppressed:');
      for (const { file, f } of r.suppressed) {
        out.push(`- [${mdEscape(file)}:${f.line}](${href(file, f.line, links, report.cwd)}) — ${f.suppressed!.justification ? `“${mdEscape(f.suppressed!.justification)}”` : '_no reason given_'}`);
      }
    }
    out.push('', `[Why and how to fix](${r.rule.docsUrl})`, '');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

// ------------------------------------------------------------------------------------------------ html

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Lines around a finding, read from the file as it is now. */
function excerpt(cwd: string, file: string, f: Finding, cache: Map<string, string[] | null>): { from: number; lines: string[] } | undefined {
  let lines = cache.get(file);
  if (lines === undefined) {
    try {
      lines = fs.readFileSync(path.resolve(cwd, file), 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    cache.set(file, lines);
  }
  if (!lines) return undefined;
  const from = Math.max(1, f.line - 2);
  const to = Math.min(lines.length, f.endLine + 2, f.line + 8);
  return { from, lines: lines.slice(from - 1, to).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l)) };
}

const COLORS = { error: '#d1242f', warning: '#bf8700', info: '#0969da' } as const;

function chart(all: Row[]): string {
  const areas = Object.keys(AREAS).map(Number);
  const data = areas.map((a) => {
    const list = all.filter((r) => r.item.area === a).flatMap((r) => r.open);
    return { a, error: list.filter((x) => x.f.severity === 'error').length, warning: list.filter((x) => x.f.severity === 'warning').length, info: list.filter((x) => x.f.severity === 'info').length };
  });
  const max = Math.max(1, ...data.map((d) => d.error + d.warning + d.info));
  const rowH = 34;
  const labelW = 210;
  const barW = 420;
  const bars = data
    .map((d, i) => {
      const y = 10 + i * rowH;
      let x = labelW;
      const segs = (['error', 'warning', 'info'] as const)
        .map((k) => {
          const w = Math.round((d[k] / max) * barW);
          const rect = w ? `<rect x="${x}" y="${y}" width="${w}" height="22" fill="${COLORS[k]}"><title>${d[k]} ${k}</title></rect>` : '';
          x += w;
          return rect;
        })
        .join('');
      const total = d.error + d.warning + d.info;
      return `<text x="${labelW - 10}" y="${y + 16}" text-anchor="end">${d.a}. ${esc(AREAS[d.a])}</text>${segs}<text x="${x + 8}" y="${y + 16}">${total}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="Findings per checklist area" viewBox="0 0 ${labelW + barW + 60} ${20 + areas.length * rowH}" width="${labelW + barW + 60}">${bars}</svg>`;
}

export function formatHtml(report: Report, links: ReportLinks = {}): string {
  const all = rows(report);
  const c = counts(report, all);
  const files = new Map<string, string[] | null>();
  const areaHtml = Object.keys(AREAS)
    .map(Number)
    .map((area) => {
      const list = all.filter((r) => r.item.area === area);
      if (!list.length) return '';
      const items = list
        .map((r) => {
          const status = r.open.length ? `<span class="badge fail">${r.open.length} finding${r.open.length === 1 ? '' : 's'}</span>` : '<span class="badge pass">passed</span>';
          const findings = r.open
            .slice(0, FIRST)
            .map(({ file, f }) => {
              const ex = excerpt(report.cwd, file, f, files);
              const code = ex
                ? `<pre class="code">${ex.lines.map((l, i) => `<span class="${ex.from + i >= f.line && ex.from + i <= f.endLine ? 'hit' : ''}"><i>${ex.from + i}</i>${esc(l)}</span>`).join('')}</pre>`
                : '';
              const fix = f.fix ? `<p class="fix"><b>Fix:</b> ${esc(f.fix.title)}${f.fix.edits.length ? `<code>${esc(f.fix.edits.map((e) => e.text).join(' … ').trim().slice(0, 200))}</code>` : ''}</p>` : '';
              return `<li class="finding ${f.severity}"><a class="loc" href="${esc(href(file, f.line, links, report.cwd))}">${esc(file)}:${f.line}</a> <span class="sev">${f.severity}</span> ${esc(f.message)}${code}${fix}</li>`;
            })
            .join('');
          const more = r.open.length > FIRST ? `<li class="more">… and ${r.open.length - FIRST} more</li>` : '';
          const supp = r.suppressed.length
            ? `<details><summary>${r.suppressed.length} suppressed</summary><ul>${r.suppressed.map(({ file, f }) => `<li><a href="${esc(href(file, f.line, links, report.cwd))}">${esc(file)}:${f.line}</a> — ${f.suppressed!.justification ? `“${esc(f.suppressed!.justification)}”` : '<em>no reason given</em>'}</li>`).join('')}</ul></details>`
            : '';
          const base = r.baselined ? `<p class="muted">${r.baselined} more in the baseline.</p>` : '';
          return `<section class="item ${r.open.length ? 'failing' : 'passing'}" id="${r.anchor}"><h3>${esc(r.item.section)} ${esc(r.item.title)} ${status}</h3><p class="muted"><code>${r.rule.id}</code> · ${esc(r.rule.checklist)} · <a href="${esc(r.rule.docsUrl)}">why and how to fix</a></p>${findings || more ? `<ul class="findings">${findings}${more}</ul>` : ''}${supp}${base}</section>`;
        })
        .join('');
      return `<h2 id="area-${area}">${area}. ${esc(AREAS[area])}</h2>${items}`;
    })
    .join('');
  const toc = all
    .map((r) => `<li class="${r.open.length ? 'failing' : 'passing'}"><a href="#${r.anchor}"><span class="st">${r.open.length ? '✗' : '✓'}</span> ${esc(r.item.section)} ${esc(r.item.title)}</a>${r.open.length ? ` <b>${r.open.length}</b>` : ''}</li>`)
    .join('');
  const css = `body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}main{max-width:1000px;margin:0 auto;padding:24px}h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}.summary{font-size:17px}.muted{color:#59636e;margin:2px 0 8px}.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px;max-width:100%;height:auto}.chart text{font-size:13px;fill:#1f2328}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}nav ul{columns:2;list-style:none;padding:0}nav li{margin:2px 0}.st{display:inline-block;width:1.2em;font-weight:700}.failing .st{color:#d1242f}.passing .st{color:#1a7f37}.item{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;margin:12px 0}.item.failing{border-left:4px solid #d1242f}.item.passing{border-left:4px solid #1a7f37}.item h3{margin:6px 0}.badge{font-size:12px;border-radius:10px;padding:1px 8px;margin-left:6px;vertical-align:middle}.badge.fail{background:#ffebe9;color:#d1242f}.badge.pass{background:#dafbe1;color:#1a7f37}.findings{list-style:none;padding:0}.finding{margin:10px 0}.sev{font-size:12px;text-transform:uppercase;font-weight:600}.error .sev{color:#d1242f}.warning .sev{color:#bf8700}.info .sev{color:#0969da}.code{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 0;overflow-x:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;margin:6px 0}.code span{display:block;padding:0 10px;white-space:pre}.code span.hit{background:#fff8c5}.code i{display:inline-block;width:3em;color:#8c959f;font-style:normal;user-select:none}.fix code{margin-left:6px;background:#dafbe1;padding:1px 4px;border-radius:4px}a{color:#0969da}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Production-readiness checklist — prodready</title><style>${css}</style></head>
<body><main>
<h1>Production-readiness checklist</h1>
<p class="summary"><strong>${c.total - c.failing} of ${c.total} items pass</strong> · ${esc(c.line.replace(/`/g, ''))}</p>
<p class="muted">prodready ${esc(report.toolVersion)}</p>
<h2 id="chart">Findings per area</h2>
${chart(all)}
<p class="legend muted"><span style="background:${COLORS.error}"></span>error<span style="background:${COLORS.warning}"></span>warning<span style="background:${COLORS.info}"></span>info</p>
<nav><h2>Items</h2><ul>${toc}</ul></nav>
${areaHtml}
</main></body></html>
`;
}
