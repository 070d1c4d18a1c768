// `pnpm bench profile-summary <file.cpuprofile> [requests]`: where a V8 CPU profile's time went, for the
// profiles `pnpm bench saturation` writes with BENCH_PROFILE. Prints self time by package (node_modules
// folder, or the workspace file), the top functions by self time, and inclusive time of the functions whose
// name matches BENCH_FRAMES (comma-separated words). With `requests`, each figure is also per request.
// Idle time is left out; `(garbage collector)` and `(program)` (V8 and native work outside JavaScript) are shown.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, requestsArg] = process.argv.slice(3);
if (!file) {
  console.error('usage: pnpm bench profile-summary <file.cpuprofile> [requests]');
  process.exit(2);
}
const requests = Number(requestsArg) || 0;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

function area(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const workspace = url.indexOf('/work/');
  return workspace >= 0 ? url.slice(url.indexOf('/', workspace + 6) + 1) : url;
}

let busy = 0;
const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  busy += us;
  const where = area(url, functionName);
  areas.set(where, (areas.get(where) ?? 0) + us);
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}

const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms${requests ? ` ${(us / 1000 / requests).toFixed(3).padStart(7)} ms/req` : ''}`;
const top = (map: Map<string, number>, count: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${ms(us)} ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');

console.log(`busy (not idle): ${ms(busy)}\n\nself time by package or file:\n${top(areas, 30)}\n\ntop functions by self time:\n${top(functions, 40)}`);

const frames = (process.env.BENCH_FRAMES ?? '').split(',').filter(Boolean);
if (frames.length) {
  // Inclusive: a sample counts once for a frame name however deep the recursion.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      for (const frame of frames) if (name.includes(frame) && !seen.has(frame)) seen.add(frame);
    }
    for (const frame of seen) inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
  }
  console.log(`\ninclusive time of frames named like BENCH_FRAMES:\n${top(inclusive, frames.length)}`);
}
