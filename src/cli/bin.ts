#!/usr/bin/env node
/**
 * The ES module entry of the CLI (dist/cli/bin.js, with code-split chunks). The `latch`
 * command is dist/cli/latch.cjs, which starts faster (one CommonJS bundle and a V8 code
 * cache, src/cli/latch.cjs); this entry stays for git hooks installed by earlier versions,
 * which name bin.js, and for the bundle-shape test (test/e2e/bundle.test.ts).
 */
import { main } from './cli.js';

main();
