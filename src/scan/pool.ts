/**
 * A pool of scan workers for a stream of content units (the file patches of `--history`):
 * the rules cost far more than parsing git's output, so the main thread parses and batches,
 * and one worker per core scans. Results come back in submission order.
 */
import { Worker } from 'node:worker_threads';
import { LatchError } from '../shared/errors.js';
import type { ContentUnit, Finding } from './content.js';
import type { CustomRuleSpec } from './custom-rule-spec.js';

export interface UnitsResult {
  findings: Finding[];
  allowed: number;
  scannedFiles: number;
  scannedBytes: number;
}

export class UnitPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { seq: number; units: ContentUnit[] }[] = [];
  private readonly results: UnitsResult[] = [];
  private readonly busy = new Map<Worker, number>();
  private submitted = 0;
  private done = 0;
  private failure: unknown = null;
  private waiting: (() => void)[] = [];

  constructor(
    script: URL,
    home: string,
    size: number,
    managed: boolean,
    customRules: readonly CustomRuleSpec[] = [],
  ) {
    for (let index = 0; index < size; index++) {
      const worker = new Worker(script, { workerData: { mode: 'units', home, managed, customRules } });
      worker.on('message', (result: UnitsResult) => {
        this.results[this.busy.get(worker)!] = result;
        this.busy.delete(worker);
        this.done++;
        this.idle.push(worker);
        this.dispatch();
        this.notify();
      });
      worker.on('error', (error) => {
        this.failure = error;
        this.notify();
      });
      worker.on('exit', (code) => {
        if (code !== 0 && this.failure === null) {
          this.failure = new LatchError('E_IO', `a scan worker stopped (exit ${code}); run again`);
          this.notify();
        }
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Batches submitted and not yet scanned. */
  get backlog(): number {
    return this.submitted - this.done;
  }

  submit(units: ContentUnit[]): void {
    this.queue.push({ seq: this.submitted++, units });
    this.dispatch();
  }

  /** Resolves when the backlog is at most `limit` (or a worker failed). */
  async waitForBacklog(limit: number): Promise<void> {
    while (this.backlog > limit && this.failure === null) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
      });
    }
    if (this.failure !== null) throw this.failure;
  }

  /** Waits for every batch, stops the workers, and returns the results in submission order. */
  async finish(): Promise<UnitsResult[]> {
    try {
      await this.waitForBacklog(0);
      return this.results;
    } finally {
      await Promise.all(this.all.map((worker) => worker.terminate()));
    }
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { seq, units } = this.queue.shift()!;
      this.busy.set(worker, seq);
      worker.postMessage(units);
    }
  }

  private notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
