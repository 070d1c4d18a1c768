#!/usr/bin/env node
// `npm start` / `npm test` on a machine with nothing but Node (any version from 18): fetches Node 24
// and pnpm from the npm registry into ./.tools when missing, installs with the lockfile, then runs.
// Plain JavaScript on purpose: it must run before TypeScript tooling exists.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const tools = join(root, '.tools');
const [, , command = 'start', ...rest] = process.argv;

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);
const run = (file, args, env = process.env) => execFileSync(file, args, { stdio: 'inherit', cwd: root, env });
const which = (name, env) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { env, encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};

let env = { ...process.env };
if (major(process.version) < 22) {
  const bin = join(tools, 'node24', 'bin');
  if (!existsSync(join(bin, 'node'))) {
    console.log(`Node ${process.version} is too old: installing Node 24 into .tools/node24 (from the npm registry)`);
    run('npm', ['install', '-g', '--prefix', join(tools, 'node24'), 'node@24']);
  }
  env.PATH = `${bin}${delimiter}${env.PATH}`;
}
if (!which('pnpm', env)) {
  const bin = join(tools, 'pnpm', 'bin');
  if (!existsSync(join(bin, 'pnpm'))) {
    console.log('pnpm is missing: installing it into .tools/pnpm (from the npm registry)');
    run('npm', ['install', '-g', '--prefix', join(tools, 'pnpm'), 'pnpm@12']);
  }
  env.PATH = `${bin}${delimiter}${env.PATH}`;
}

run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], env);
// The admin console served at /admin: built when missing or older than its sources (pnpm skips the root
// postinstall when the install had nothing to do).
run('node', [join(root, 'scripts', 'build-console.mjs')], env);

const scripts = { start: 'serve', test: 'test:all' };
if (!scripts[command]) {
  console.error(`usage: node scripts/bootstrap.mjs <${Object.keys(scripts).join('|')}>`);
  process.exit(2);
}
const child = spawn('pnpm', ['run', scripts[command], ...rest], { stdio: 'inherit', cwd: root, env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
