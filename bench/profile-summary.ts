/**
 * Where the time in a `node --cpu-prof` profile goes, by package: what the README's Performance section quotes. Workflow code runs
 * from a webpack bundle, so samples in a workflow bundle are attributed to the bundle's modules (xstate, zod, the
 * project's machines…) by re-bundling the same code and finding each module's first line.
 *
 *   node dist/bench/profile-summary.js CPU.*.cpuprofile
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { bundleBoth } from './environment';

const ProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type Profile = z.infer<typeof ProfileSchema>;

/** First line of each module in a bundle, in order (webpack marks them with a `/***\/ "path"` line). */
function moduleStarts(code: string): Array<{ line: number; module: string }> {
  const starts: Array<{ line: number; module: string }> = [];
  code.split('\n').forEach((text, line) => {
    const module = /^\/\*\*\*\/ "(.+?)"/.exec(text)?.[1];
    if (module) starts.push({ line, module });
  });
  return starts;
}

/** A module path as a reader names it: the package, or the project folder and file. */
function packageOf(path: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (inPackage) return inPackage;
  const project = /(machines|workflows|activities|bench)\/(.+)$/.exec(path);
  return project ? `${project[1]}/${project[2]}` : path;
}

interface Bundle {
  lines: string[];
  starts: Array<{ line: number; module: string }>;
}

/**
 * Which of this checkout's bundles a profiled bundle file is: the one whose lines hold the profiled functions' names
 * (the worker names its bundle by a webpack hash that nothing else records).
 */
function identify(profile: Profile, url: string, bundles: readonly Bundle[]): Bundle | undefined {
  const frames = profile.nodes
    .map((n) => n.callFrame)
    .filter((f) => f.url === url && f.functionName.length > 2);
  let best: { bundle: Bundle; score: number } | undefined;
  for (const bundle of bundles) {
    const score = frames.filter((f) => bundle.lines[f.lineNumber]?.includes(f.functionName)).length;
    if (!best || score > best.score) best = { bundle, score };
  }
  return best && best.score > frames.length / 2 ? best.bundle : undefined;
}

function moduleAt(bundle: Bundle, line: number): string {
  let found = '(workflow bundle)';
  for (const start of bundle.starts) {
    if (start.line > line) break;
    found = packageOf(start.module);
  }
  return found;
}

function summarise(file: string, profile: Profile, bundles: readonly Bundle[]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const identified = new Map<string, Bundle | undefined>();
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000),
  );
  const groups = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    total += ms;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (url.includes('workflow-bundle-') && !identified.has(url))
      identified.set(url, identify(profile, url, bundles));
    const bundle = identified.get(url);
    let group: string;
    if (bundle) group = moduleAt(bundle, lineNumber);
    else if (!url)
      group = functionName.startsWith('(') ? functionName : `(native) ${functionName.slice(0, 40)}`;
    else group = url.startsWith('node:') ? 'node internals' : packageOf(url);
    groups.set(group, (groups.get(group) ?? 0) + ms);
  }
  const idle = groups.get('(idle)') ?? 0;
  const busy = total - idle;
  console.log(
    `\n${basename(file)}: ${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy`,
  );
  for (const [group, ms] of [...groups]
    .filter(([g]) => g !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15))
    console.log(
      `${(ms / 1000).toFixed(1).padStart(7)} s ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${group}`,
    );
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile…');
    process.exitCode = 2;
    return;
  }
  const { engine, baseline } = await bundleBoth();
  const bundles: Bundle[] = [engine, baseline].map((b) => ({
    lines: b.code.split('\n'),
    starts: moduleStarts(b.code),
  }));
  for (const file of files)
    summarise(file, ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))), bundles);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
