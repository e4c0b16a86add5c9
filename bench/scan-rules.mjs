// Throughput of the pure detectors (known formats + generic + prefilter) on ~50 MB of
// generated source-like text with a few secrets sprinkled in, one file at a time, as
// `latch scan` calls them. Run after `npm run build`:
//   node bench/scan-rules.mjs [MB]          generated text (default 50 MB)
//   node bench/scan-rules.mjs --dir PATH    the text files under PATH instead (e.g. node_modules)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findCredentials } from '../dist/scan/rules/rules.js';

const directory = process.argv[2] === '--dir' ? process.argv[3] : undefined;
const targetMegabytes = directory ? 0 : Number(process.argv[2] ?? 50);
let seed = 12345;
const next = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const pick = (list) => list[Math.floor(next() * list.length)];
const chars = (alphabet, length) => Array.from({ length }, () => pick(alphabet)).join('');
const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const hex = '0123456789abcdef';

// Lines as they come in TypeScript, Python, YAML and JSON, including harmless ones that
// mention the generic keywords (cacheKey, token counts, auth middleware).
const words = [
  'user',
  'order',
  'items',
  'config',
  'result',
  'value',
  'index',
  'request',
  'response',
  'client',
  'data',
];
const templates = [
  () => `  const ${pick(words)}${pick(['Id', 'List', 'Count'])} = await ${pick(words)}.get(${pick(words)});`,
  () => `  if (${pick(words)}.length > ${Math.floor(next() * 100)}) return ${pick(words)};`,
  () => `import { ${pick(words)} } from './${pick(words)}.js';`,
  () => `    ${pick(words)}: ${pick(['true', 'false', 'null', '"text"', '42'])},`,
  () => `  // ${pick(words)} ${pick(words)} ${pick(words)} before the ${pick(words)} is sent`,
  () => `def ${pick(words)}_${pick(words)}(self, ${pick(words)}):`,
  () => `  ${pick(words)}_${pick(words)}: ${pick(words)}-${Math.floor(next() * 1000)}`,
  () => `  const cacheKey = \`\${${pick(words)}.id}:\${${pick(words)}}\`;`,
  () => `  headers.authorization = \`Bearer \${session.accessToken}\`;`,
  () => `  max_tokens: ${Math.floor(next() * 4000)},`,
  () => `  const password = await prompt('password: ');`,
  () => `  "${pick(words)}": "${chars(base62, 8)}",`,
  () => `  url: "https://example.net/${pick(words)}/${chars(hex, 8)}",`,
];
const secrets = [
  () => `  SLACK_TOKEN = "xoxb-${chars('0123456789', 11)}-${chars('0123456789', 12)}-${chars(base62, 24)}"`,
  () => `  aws_key_id: AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  () => `  const stripe = "sk_live_${chars(base62, 32)}";`,
  () => `  SESSION_SECRET=${chars(base62, 16)}-${chars(base62, 16)}`,
  () => `  DATABASE_URL=postgres://app:${chars(base62, 16)}@db.internal/app`,
];

function makeFile(size) {
  const lines = [];
  let length = 0;
  while (length < size) {
    const line = next() < 0.0005 ? pick(secrets)() : pick(templates)();
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

const files = [];
const paths = [];
let total = 0;
function readTree(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) readTree(child);
    else if (/\.(?:[cm]?[jt]sx?|json|md|ya?ml|py|toml|txt)$/.test(entry.name) && statSync(child).size < 5e6) {
      const text = readFileSync(child, 'utf8');
      files.push(text);
      paths.push(child);
      total += text.length;
    }
  }
}
if (directory) readTree(directory);
while (total < targetMegabytes * 1e6) {
  const file = makeFile(4000 + Math.floor(next() * 40000));
  files.push(file);
  paths.push(`src/file${files.length}.ts`);
  total += file.length;
}

function scanAll() {
  let findings = 0;
  for (let index = 0; index < files.length; index++)
    findings += findCredentials(files[index], paths[index]).length;
  return findings;
}

scanAll(); // warm up the JIT and the compiled patterns
// Wall time, and CPU time of this process: on a shared two-core machine the second says what
// the code costs when other processes take turns on the cores.
const runs = [];
let findings = 0;
for (let run = 0; run < 5; run++) {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  findings = scanAll();
  const cpu = process.cpuUsage(cpuStarted);
  runs.push({ wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 });
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const wall = median(runs.map((run) => run.wall));
const cpu = median(runs.map((run) => run.cpu));
const megabytes = total / 1e6;
console.log(
  `scan-rules (${directory ?? 'generated text'}): ${megabytes.toFixed(1)} MB in ${files.length} files, ${findings} findings; median of 5 runs: ` +
    `${wall.toFixed(3)} s wall = ${(megabytes / wall).toFixed(0)} MB/s, ${cpu.toFixed(3)} s CPU = ${(megabytes / cpu).toFixed(0)} MB/s per CPU-second`,
);
