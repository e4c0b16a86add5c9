import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanHistory } from '../../src/doctor/repository.js';
import {
  envTextHasValues,
  isEnvFileName,
  liveCredentialKind,
  passphraseLines,
  syncedFolder,
} from '../../src/doctor/rules.js';

describe('doctor rules', () => {
  it.each([
    ['.env', true],
    ['app/.env.local', true],
    ['deploy/prod.env', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['.env.template', false],
    ['environment.ts', false],
    ['.envrc.md', false],
  ])('isEnvFileName(%s) is %s', (name, expected) => {
    expect(isEnvFileName(name)).toBe(expected);
  });

  it.each([
    ['API_KEY=abc123', true],
    ['export TOKEN="x-y"', true],
    ['API_KEY=\nOTHER=""\n# TOKEN=abc', false],
    ['API_KEY=<your key>\nB=changeme\nC=$\u007bFROM_ENV}', false],
  ])('envTextHasValues(%j) is %s', (text, expected) => {
    expect(envTextHasValues(text)).toBe(expected);
  });

  it('recognises live credentials by format, naming only the kind', () => {
    expect(liveCredentialKind('STRIPE_KEY', `sk_live_${'a'.repeat(24)}`)).toBe(
      'a Stripe live secret key (sk_live_)',
    );
    expect(liveCredentialKind('STRIPE_KEY', `sk_test_${'a'.repeat(24)}`)).toBeNull();
    expect(liveCredentialKind('DATABASE_URL', 'postgres://u:p@db.prod.internal:5432/app')).toMatch(
      /production/,
    );
    expect(liveCredentialKind('DATABASE_URL', 'postgres://u:p@localhost:5432/app')).toBeNull();
    expect(liveCredentialKind('DATABASE_URL', 'postgres://u:p@product-db.local/app')).toBeNull();
  });

  it('recognises synced folders and passphrases in history', () => {
    expect(syncedFolder('/Users/me/Dropbox/latch')).toBe('Dropbox');
    expect(syncedFolder('/Users/me/Library/Mobile Documents/com~apple~CloudDocs/latch')).toBe('iCloud Drive');
    expect(syncedFolder('/home/me/.local/share/latch')).toBeNull();
    expect(
      passphraseLines(
        'LATCH_PASSPHRASE=abc latch ls\nLATCH_PASSPHRASE_FILE=/x latch ls\nexport LATCH_PASSPHRASE=\n',
      ),
    ).toBe(1);
  });
});

describe('scanHistory', () => {
  it('stops at its time limit and says so', async () => {
    const root = mkdtempSync(join(tmpdir(), 'latch-doctor-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
      const commits = Array.from({ length: 600 }, (_, index) => {
        const number = index + 1;
        return `commit refs/heads/main\nmark :${number}\ncommitter T <t@example.com> ${1_700_000_000 + number} +0000\ndata 1\nc\n${number > 1 ? `from :${number - 1}\n` : ''}M 644 inline f\ndata <<EOF\n${number}\nEOF\n\n`;
      });
      execFileSync('git', ['fast-import', '--quiet'], { cwd: root, input: commits.join('') });
      const whole = await scanHistory(root, () => Date.now());
      expect(whole).toMatchObject({ commitsRead: 600, stoppedEarly: false });
      let clock = 0;
      const tick = () => {
        clock += 1_000;
        return clock;
      };
      const cut = await scanHistory(root, tick, 1_500);
      expect(cut.stoppedEarly).toBe(true);
      expect(cut.commitsRead).toBeLessThan(600);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
