import { runCli } from './main';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`prodready: internal error: ${(e as Error)?.message ?? e}\n`);
    process.exitCode = 2;
  },
);
