#!/usr/bin/env node
// Builds the admin console (console/dist, served by the server at /admin) after `pnpm install`, unless
// the build is newer than every source file: installs that change nothing in the console cost nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const consoleDir = join(root, 'console');
const built = join(consoleDir, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

if (!existsSync(join(consoleDir, 'node_modules'))) process.exit(0);
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => join(consoleDir, name)).filter(existsSync);
if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) {
  console.log('admin console: console/dist is up to date');
} else {
  execFileSync('pnpm', ['--filter', '@tributary/console', 'build'], { cwd: root, stdio: 'inherit' });
}
