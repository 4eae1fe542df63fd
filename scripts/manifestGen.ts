/** Generated parts of the extension manifest and the config schema, from the file-kind table and rule metadata. */
import { FILE_KINDS } from '../server/src/shared/fileKinds';
import type { Rule } from '../server/src/engine/api';

export function activationEvents(): string[] {
  const langs = [...new Set(FILE_KINDS.filter((k) => !k.sniff).flatMap((k) => k.languageIds))].filter((l) => l !== 'plaintext' && l !== 'properties');
  const globs = FILE_KINDS.filter((k) => !k.sniff).flatMap((k) => k.globs);
  return [...langs.map((l) => `onLanguage:${l}`), 'onLanguage:yaml', ...globs.map((g) => `workspaceContains:${g}`), 'workspaceContains:**/.prodready.json'];
}

export function configSchema(rules: readonly Rule[]): Record<string, unknown> {
  const severity = { enum: ['off', 'info', 'warning', 'error'] };
  const ruleProps: Record<string, unknown> = {};
  for (const r of rules) {
    const options: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(r.options ?? {})) {
      options[name] =
        spec.type === 'string[]'
          ? { type: 'array', items: { type: 'string' }, default: spec.default, description: spec.description }
          : { type: spec.type, default: spec.default, description: spec.description, ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}) };
    }
    ruleProps[r.id] = {
      description: `${r.summary} (default: ${r.severity})`,
      markdownDescription: `${r.summary}\n\nDefault: \`${r.severity}\`. [Documentation](${r.docsUrl})`,
      oneOf: [
        severity,
        {
          type: 'array',
          prefixItems: [severity, { type: 'object', properties: options, additionalProperties: false }],
          items: [severity, { type: 'object', properties: options, additionalProperties: false }],
          minItems: 1,
          maxItems: 2,
        },
      ],
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'prodready configuration (.prodready.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: { type: 'object', properties: ruleProps, additionalProperties: false, description: 'Severity per rule, or [severity, options].' },
      include: { type: 'array', items: { type: 'string' }, description: 'Globs (relative to this file) of the files to check.' },
      exclude: { type: 'array', items: { type: 'string' }, description: 'Globs (relative to this file) of files to skip.' },
    },
  };
}
