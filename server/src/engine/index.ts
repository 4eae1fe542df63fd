/** The engine's surface for the CLI and the language server. */
export * from './api';
export { createEngine, parseCode, ENGINE_DIAGNOSTICS, CODE_KINDS, YAML_KINDS } from './engine';
export type { Engine, FileResult, LintInput, InternalError, EngineDiagnosticId } from './engine';
export { classify, kindEntryForPath, looksLikeKubernetes, rolesForPath } from './classify';
export type { Classification, FileRoles } from './classify';
export { parseConfig, defaultConfig, starterConfig, ConfigError, CONFIG_FILE, closest, editDistance } from './config';
export type { ResolvedConfig, RuleSetting } from './config';
export { applyEdits, applyFixes, fixUntilStable } from './fixes';
export { parseDirectives } from './suppressions';
export { scan, readText, decodeText, encodeText } from './scan';
export type { TextEncoding } from './scan';
export type { ScanOptions, ScanResult, SkippedFile } from './scan';
export { walkFiles, skipReason, SKIP_DIRS } from './walk';
export { ProjectResolver, toPosix } from './project';
export { LineIndex } from './text';
export { detectStyle } from './style';
export { parseYaml } from './yamlFile';
