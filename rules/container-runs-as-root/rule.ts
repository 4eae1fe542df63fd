import { defineRule, type Fix, type RuleContext } from '../../server/src/engine/api';
import {
  chainVariables,
  defaultUser,
  exposedPorts,
  finalChain,
  fromText,
  hasOnbuild,
  insertInstruction,
  insertionPoint,
  isBareBase,
  isDevDockerfile,
  isNodeImage,
  isRootUser,
  isToolchainImage,
  lastOf,
  startWords,
  startsArtefact,
  substitute,
  type StageChain,
} from '../_lib/dockerfiles';

export default defineRule({
  id: 'container-runs-as-root',
  title: 'Container runs as root',
  summary: 'The image\'s final stage runs its process as root.',
  severity: 'warning',
  kinds: ['dockerfile'],
  scope: 'file',
  checklist: '003 §3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    noUser: 'The image runs as root: its final stage (FROM {{from}}) sets no USER.',
    rootUser: 'The image runs as root: the last USER of its final stage is "{{user}}".',
  },
  options: {
    nonRootImages: {
      type: 'string[]',
      default: [],
      description: 'More base images whose default user is not root, e.g. "acme/node-base" or "registry.acme.dev/hardened/*".',
    },
  },
  textHint: /from/i,
  check(ctx) {
    if (isDevDockerfile(ctx)) return;
    const df = ctx.dockerfile;
    const chain = finalChain(df);
    if (!chain) return;
    const vars = chainVariables(df, chain);
    const user = lastOf(chain, 'USER');
    const final = chain.stage;
    const node = isNodeImage(chain.base);
    const extra = (ctx.options.nonRootImages as readonly string[] | undefined) ?? [];
    const who = defaultUser(chain.base, extra);
    const { words, entrypoint } = startWords(chain);
    // official datastore images start as root and step down to their service user, unless the entrypoint is replaced
    const dropsPrivileges = who === 'drops' && (!entrypoint || /docker-entrypoint|entrypoint\.sh/.test(words.join(' ')));
    if (user) {
      const spec = substitute(user.args.trim(), vars);
      // `USER ${APP_USER}` with no known value: unknown, quiet
      if (spec === undefined || !isRootUser(spec) || dropsPrivileges) return;
      ctx.report({
        messageId: 'rootUser',
        data: { user: user.args.trim() },
        range: [user.start, user.end],
        fix: node ? fixFor(ctx, chain, vars, user.start) : undefined,
      });
      return;
    }
    if (who === 'nonroot' || who === 'unknown' || dropsPrivileges) return;
    // a base or artefact image (`FROM scratch` + COPY, an OS base with no command): nothing runs in it as such
    if ((!words.length || startsArtefact(words)) && isBareBase(chain.base)) return;
    // a tool or builder image: no command, no port, a toolchain base whose own command is a shell or a REPL
    if (!words.length && !chain.instructions.some((i) => i.keyword === 'EXPOSE') && isToolchainImage(chain.base)) return;
    const line = ctx.lines.lineOf(final.from.start);
    ctx.report({
      messageId: 'noUser',
      data: { from: fromText(df, final) },
      range: [final.from.start, Math.min(final.from.end, ctx.lines.lineEnd(line))],
      fix: node ? fixFor(ctx, chain, vars, final.from.start) : undefined,
    });
  },
});

/**
 * `USER node` before the final stage's CMD/ENTRYPOINT (or at the end). Not offered when the image listens on a
 * privileged port (< 1024), which the node user cannot bind.
 */
function fixFor(ctx: RuleContext, chain: StageChain, vars: ReadonlyMap<string, string>, after: number): Fix | undefined {
  if (exposedPorts(chain, vars).some((p) => p > 0 && p < 1024) || hasOnbuild(chain)) return undefined;
  const at = insertionPoint(ctx, ctx.dockerfile, chain.stage, after);
  return { title: 'Run as the node user (USER node)', edits: [insertInstruction(ctx, at, 'USER node')] };
}
