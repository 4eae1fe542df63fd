/**
 * The one file-kind table. The engine classifies paths with it, the extension builds its document
 * selector and activation events from it, and the docs list it. Order matters: the first entry whose
 * globs match a path decides its kind. Globs are minimatch patterns on repo-relative POSIX paths,
 * matched with `dot: true` and `nocase: false`.
 */
export type FileKind =
  | 'code'
  | 'next.config'
  | 'compose'
  | 'workflow'
  | 'k8s'
  | 'dotenv'
  | 'dockerfile'
  | 'nginx'
  | 'redis'
  | 'sql';

export type CommentSyntax = 'js' | 'hash' | 'sql';

export interface FileKindEntry {
  readonly kind: FileKind;
  readonly description: string;
  /** VS Code language ids whose documents may be of this kind (the path still decides). */
  readonly languageIds: readonly string[];
  readonly globs: readonly string[];
  /** How line comments (and so suppressions) are written in this kind. */
  readonly comment: CommentSyntax;
  /**
   * Path-matched files that must also show the kind's content to count (Kubernetes manifests are YAML
   * files with top-level `apiVersion:` and `kind:`; any other YAML is not ours).
   */
  readonly sniff?: 'k8s';
}

const CODE_EXT = '{ts,tsx,js,jsx,mjs,cjs,mts,cts}';

export const FILE_KINDS: readonly FileKindEntry[] = [
  {
    kind: 'next.config',
    description: 'Next.js configuration',
    languageIds: ['javascript', 'typescript'],
    globs: ['**/next.config.{js,mjs,cjs,ts,mts}'],
    comment: 'js',
  },
  {
    kind: 'code',
    description: 'TypeScript and JavaScript sources',
    languageIds: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'],
    globs: [`**/*.${CODE_EXT}`],
    comment: 'js',
  },
  {
    kind: 'workflow',
    description: 'GitHub Actions workflows',
    languageIds: ['yaml', 'github-actions-workflow'],
    globs: ['**/.github/workflows/*.{yml,yaml}'],
    comment: 'hash',
  },
  {
    kind: 'compose',
    description: 'Docker Compose files',
    languageIds: ['dockercompose', 'yaml'],
    globs: [
      '**/docker-compose*.{yml,yaml}',
      '**/compose*.{yml,yaml}',
      '**/*-compose.{yml,yaml}',
      '**/*-compose.*.{yml,yaml}',
      '**/*.compose.{yml,yaml}',
    ],
    comment: 'hash',
  },
  {
    kind: 'dotenv',
    description: 'dotenv files',
    languageIds: ['dotenv', 'properties', 'plaintext'],
    globs: ['**/.env', '**/.env.*', '**/*.env'],
    comment: 'hash',
  },
  {
    kind: 'dockerfile',
    description: 'Dockerfiles',
    languageIds: ['dockerfile'],
    globs: ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/*.dockerfile', '**/Containerfile'],
    comment: 'hash',
  },
  {
    kind: 'nginx',
    description: 'nginx configuration',
    languageIds: ['nginx', 'plaintext'],
    globs: [
      '**/nginx.conf',
      '**/nginx*.conf',
      '**/nginx/**/*.conf',
      '**/*.nginx',
      '**/*.nginx.conf',
      '**/conf.d/*.conf',
      '**/sites-available/*',
      '**/sites-enabled/*',
    ],
    comment: 'hash',
  },
  {
    kind: 'redis',
    description: 'Redis configuration',
    languageIds: ['redis', 'plaintext', 'properties'],
    globs: ['**/redis.conf', '**/redis*.conf', '**/redis/**/*.conf'],
    comment: 'hash',
  },
  {
    kind: 'sql',
    description: 'SQL migrations',
    languageIds: ['sql'],
    globs: ['**/migrations/**/*.sql', '**/migration/**/*.sql', '**/migration.sql'],
    comment: 'sql',
  },
  {
    kind: 'k8s',
    description: 'Kubernetes manifests',
    languageIds: ['yaml'],
    globs: ['**/*.{yml,yaml}'],
    comment: 'hash',
    sniff: 'k8s',
  },
];

export const ALL_KINDS: readonly FileKind[] = FILE_KINDS.map((k) => k.kind);

export function commentSyntaxOf(kind: FileKind): CommentSyntax {
  return FILE_KINDS.find((k) => k.kind === kind)!.comment;
}
