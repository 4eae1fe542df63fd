/**
 * The engine's public rule API: the only engine module a rule may import.
 * Rules get raw TypeScript nodes (one shared parse and walk) and YAML nodes with offsets.
 */
import ts from 'typescript';
import type { Rule, RuleDefinition } from './types';

export { ts };
export * from './types';
export * from './ast';
export { insertProperty, appendArgument, removeProperty } from './edits';
export { mapGet, mapPair, resolveNode, scalarString, isAlias, isMap, isSeq, isScalar, isPair } from './yamlFile';
export type { YamlFile, Document, YamlNode, Pair, YAMLMap, Scalar } from './yamlFile';
export type { DotenvFile, DotenvEntry } from './dotenvFile';
export type { Dockerfile, DockerInstruction, DockerStage } from './dockerfile';
export type { NginxConf, NginxDirective, NginxArg } from './nginxConf';
export { nginxDirectives } from './nginxConf';
export type { RedisConf, RedisDirective, RedisArg } from './redisConf';
export type { SqlFile, SqlStatement, SqlToken, SqlTokenType } from './sqlFile';
export { qualifiedName } from './sqlFile';
export type { ProjectCondition } from './projectView';
export type { Style } from './style';
export type { PackageInfo } from './packages';
export type { LineIndex } from './text';
export type { FileKind } from '../shared/fileKinds';

export const DOCS_BASE_URL = 'https://github.com/prodready/prodready/blob/main/rules';

export function docsUrlFor(id: string): string {
  return `${DOCS_BASE_URL}/${id}/README.md`;
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declare a rule. Validates its metadata at load time so a malformed rule fails every test at once. */
export function defineRule(def: RuleDefinition): Rule {
  if (!ID.test(def.id)) throw new Error(`rule id "${def.id}" must be kebab-case`);
  if (!def.summary.endsWith('.')) throw new Error(`rule ${def.id}: summary must be one sentence ending with "."`);
  if (!Object.keys(def.messages).length) throw new Error(`rule ${def.id}: no messages`);
  for (const [k] of Object.entries(def.messages)) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(k)) throw new Error(`rule ${def.id}: messageId "${k}" must be camelCase`);
  }
  if (!def.kinds.length) throw new Error(`rule ${def.id}: no kinds`);
  return { ...def, docsUrl: docsUrlFor(def.id) };
}
export { appendToMap, mapKeyColumn, yamlIndentStep } from './yamlEdits';
