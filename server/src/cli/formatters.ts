import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_DIAGNOSTICS, type BaselineEntry, type Finding, type Rule, type Severity } from '../engine';
import type { FileKind } from '../shared/fileKinds';

import { formatHtml, formatMarkdown, type ReportLinks } from './report';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReportFile {
  /** path as shown: relative to the working directory, POSIX separators */
  readonly path: string;
  readonly kind: FileKind;
  readonly findings: readonly Finding[];
}

export interface Report {
  readonly toolVersion: string;
  readonly cwd: string;
  readonly rules: readonly Rule[];
  readonly files: readonly ReportFile[];
  readonly skipped: readonly { path: string; reason: string }[];
  readonly scanned: number;
  readonly fixedCount: number;
  /** SARIF `automationDetails.id` (`prodready/shard-2-of-4/`), so code scanning keeps shards' runs apart */
  readonly automationId?: string;
  /** when a baseline is in use: its file, counts, and the entries whose findings are gone (paths as shown) */
  readonly baseline?: { readonly file: string; readonly unchanged: number; readonly new: number; readonly absent: readonly BaselineEntry[]; readonly pruned: number };
}

export interface Summary {
  files: number;
  /** unsuppressed findings that are not in the baseline */
  findings: number;
  /** unsuppressed findings the baseline already has (not counted in `findings`) */
  baselined: number;
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
  fixable: number;
}

export function summarize(report: Report): Summary {
  const s: Summary = { files: report.scanned, findings: 0, baselined: 0, errors: 0, warnings: 0, infos: 0, suppressed: 0, fixable: 0 };
  for (const f of report.files) {
    for (const x of f.findings) {
      if (x.suppressed) {
        s.suppressed++;
        continue;
      }
      if (x.baselineState === 'unchanged') {
        s.baselined++;
        continue;
      }
      s.findings++;
      if (x.severity === 'error') s.errors++;
      else if (x.severity === 'warning') s.warnings++;
      else s.infos++;
      if (x.fix) s.fixable++;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------- text

const ANSI = { red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1, underline: 4, green: 32 } as const;

export function formatText(report: Report, color: boolean): string {
  const c = (code: keyof typeof ANSI, s: string): string => (color ? `\u001b[${ANSI[code]}m${s}\u001b[0m` : s);
  const sevLabel: Record<Severity, string> = { error: c('red', 'error'), warning: c('yellow', 'warning'), info: c('cyan', 'info') };
  const out: string[] = [];
  for (const f of report.files) {
    const visible = f.findings.filter((x) => !x.suppressed && x.baselineState !== 'unchanged');
    if (!visible.length) continue;
    out.push(c('underline', f.path));
    const rows = visible.map((x) => [`${x.line}:${x.column}`, x.severity, x.message, x.ruleId, x.fix ? 'fixable' : '']);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [i, x] of visible.entries()) {
      const r = rows[i];
      out.push(
        `  ${c('gray', r[0].padEnd(w0))}  ${sevLabel[x.severity]}${' '.repeat(w1 - r[1].length)}  ${r[2]}  ${c('gray', r[3])}${r[4] ? `  ${c('green', '(fixable)')}` : ''}`,
      );
    }
    out.push('');
  }
  const s = summarize(report);
  const parts = [`${s.errors} error${s.errors === 1 ? '' : 's'}`, `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`, `${s.infos} info`];
  const extra: string[] = [];
  if (s.fixable) extra.push(`${s.fixable} fixable with --fix`);
  if (s.suppressed) extra.push(`${s.suppressed} suppressed`);
  if (report.baseline) {
    extra.push(`${s.baselined} in the baseline`);
    if (report.baseline.absent.length) extra.push(`${report.baseline.absent.length} baselined finding${report.baseline.absent.length === 1 ? ' is' : 's are'} gone (drop with --prune-baseline)`);
    if (report.baseline.pruned) extra.push(`${report.baseline.pruned} pruned from the baseline`);
  }
  if (report.fixedCount) extra.push(`${report.fixedCount} fixed`);
  if (report.skipped.length) {
    const reasons = [...new Set(report.skipped.map((x) => x.reason.replace(/:.*/, '')))].join('/');
    extra.push(`${report.skipped.length} skipped (${reasons}; listed in --format json)`);
  }
  const head = s.findings
    ? c('bold', c(s.errors ? 'red' : 'yellow', `✖ ${s.findings} problem${s.findings === 1 ? '' : 's'} (${parts.join(', ')})`))
    : c('green', '✔ no problems');
  out.push(`${head} in ${s.files} file${s.files === 1 ? '' : 's'}${extra.length ? ` · ${extra.join(' · ')}` : ''}`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------- json

/**
 * The JSON format, version 1. Stable: fields are only ever added.
 * { version, tool: { name, version }, summary, files: [{ path, kind, findings: [...] }], skipped: [...] }
 * A finding: { ruleId, severity, message, messageId, line, column, endLine, endColumn,
 *              fix?: { title, edits: [{ start, end, text }] }, suggestions?: [...], suppressed?: { kind, justification } }
 * Offsets are UTF-16 code units into the file as read; lines and columns are 1-based.
 */
export function formatJson(report: Report): string {
  const files = report.files.map((f) => ({
    path: f.path,
    kind: f.kind,
    findings: f.findings.map((x) => ({
      ruleId: x.ruleId,
      severity: x.severity,
      message: x.message,
      messageId: x.messageId,
      line: x.line,
      column: x.column,
      endLine: x.endLine,
      endColumn: x.endColumn,
      ...(x.fix ? { fix: x.fix } : {}),
      ...(x.suggestions ? { suggestions: x.suggestions } : {}),
      ...(x.suppressed ? { suppressed: { kind: x.suppressed.kind, justification: x.suppressed.justification } } : {}),
      ...(x.fingerprint ? { fingerprint: x.fingerprint } : {}),
      ...(x.baselineState ? { baselineState: x.baselineState } : {}),
    })),
  }));
  return (
    JSON.stringify(
      {
        version: 1,
        tool: { name: 'prodready', version: report.toolVersion },
        summary: summarize(report),
        files,
        skipped: report.skipped,
        ...(report.baseline ? { baseline: report.baseline } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

// ---------------------------------------------------------------------------------------------------- sarif

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase());
}

export function formatSarif(report: Report): string {
  const driverRules = [
    ...report.rules.map((r) => ({
      id: r.id,
      name: pascal(r.id),
      shortDescription: { text: r.title },
      fullDescription: { text: r.summary },
      helpUri: r.docsUrl,
      help: { text: `${r.summary} See ${r.docsUrl}`, markdown: `${r.summary} [Documentation](${r.docsUrl})` },
      defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
      properties: { tags: ['security', 'production-readiness', ...r.kinds.map((k) => `kind:${k}`)], checklist: r.checklist, fixable: r.fixable },
    })),
    ...Object.entries(ENGINE_DIAGNOSTICS).map(([id, d]) => ({
      id,
      name: pascal(id),
      shortDescription: { text: d.summary },
      defaultConfiguration: { level: SARIF_LEVEL[d.severity] },
      properties: { tags: ['prodready-engine'] },
    })),
  ];
  const index = new Map(driverRules.map((r, i) => [r.id, i]));
  const results: object[] = report.files.flatMap((f) => {
    // the n-th finding with the same fingerprint in a file: code scanning needs fingerprints unique per result
    const seen = new Map<string, number>();
    return f.findings.map((x) => {
      const artifactLocation = { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' };
      const n = x.fingerprint ? (seen.get(`${x.ruleId}:${x.fingerprint}`) ?? 0) + 1 : 0;
      if (x.fingerprint) seen.set(`${x.ruleId}:${x.fingerprint}`, n);
      return {
        ruleId: x.ruleId,
        ruleIndex: index.get(x.ruleId) ?? -1,
        level: SARIF_LEVEL[x.severity],
        message: { text: x.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation,
              region: { startLine: x.line, startColumn: x.column, endLine: x.endLine, endColumn: x.endColumn, charOffset: x.start, charLength: x.end - x.start },
            },
          },
        ],
        ...(x.fix
          ? {
              fixes: [
                {
                  description: { text: x.fix.title },
                  artifactChanges: [
                    {
                      artifactLocation,
                      replacements: x.fix.edits.map((e) => ({
                        deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
                        insertedContent: { text: e.text },
                      })),
                    },
                  ],
                },
              ],
            }
          : {}),
        ...(x.suppressed ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: x.suppressed.justification }] } : {}),
        ...(x.fingerprint ? { partialFingerprints: { 'prodready/v1': `${x.fingerprint}:${n}` } } : {}),
        ...(report.baseline && x.baselineState ? { baselineState: x.baselineState } : {}),
      };
    });
  });
  // findings the baseline has that are gone
  for (const e of report.baseline?.absent ?? []) {
    results.push({
      ruleId: e.rule,
      ruleIndex: index.get(e.rule) ?? -1,
      level: 'none',
      message: { text: e.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(e.file), uriBaseId: '%SRCROOT%' }, region: { startLine: Math.max(1, e.line) } } }],
      partialFingerprints: { 'prodready/v1': `${e.fingerprint}:0` },
      baselineState: 'absent',
    });
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'prodready',
            version: report.toolVersion,
            semanticVersion: report.toolVersion,
            informationUri: 'https://github.com/prodready/prodready',
            rules: driverRules,
          },
        },
        ...(report.automationId ? { automationDetails: { id: report.automationId } } : {}),
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(report.cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------------- github

function escData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escProp(s: string): string {
  return escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: one annotation per (unsuppressed) finding. */
export function formatGithub(report: Report): string {
  const level: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
  const out: string[] = [];
  for (const f of report.files) {
    for (const x of f.findings) {
      if (x.suppressed || x.baselineState === 'unchanged') continue;
      const props = [
        `file=${escProp(f.path)}`,
        `line=${x.line}`,
        `col=${x.column}`,
        `endLine=${x.endLine}`,
        `endColumn=${x.endColumn}`,
        `title=${escProp(`prodready(${x.ruleId})`)}`,
      ];
      out.push(`::${level[x.severity]} ${props.join(',')}::${escData(x.message + (x.fix ? ' (fixable with prodready lint --fix)' : ''))}`);
    }
  }
  const s = summarize(report);
  out.push(`prodready: ${s.findings} problem(s) (${s.errors} errors, ${s.warnings} warnings, ${s.infos} info) in ${s.files} files`);
  return out.join('\n') + '\n';
}

export function formatReport(format: Format, report: Report, color: boolean, links: ReportLinks = {}): string {
  switch (format) {
    case 'markdown':
      return formatMarkdown(report, links);
    case 'html':
      return formatHtml(report, links);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    default:
      return formatText(report, color);
  }
}
