/**
 * Inputs of the committed audit-log known-answer vector (test/vectors/audit-v1.json). Every
 * choice is fixed, so the same inputs must give the same bytes in any version.
 */
import type { AuditEventKind, AuditFields, AuditKeyName } from '../../src/audit/record.js';

const fill = (length: number, start: number) =>
  Uint8Array.from({ length }, (_, index) => (start + index) & 0xff);

export const auditVectorInputs = {
  /** The vault's data key and id, from which the vault-keyed records' key is derived. */
  dataKey: fill(32, 0x40),
  vaultId: fill(16, 0x10),
  stateKey: fill(32, 0x90),
  records: [
    {
      time: '2026-01-02T03:04:05.000Z',
      event: 'set',
      keyed: 'vault',
      fields: {
        user: 'dev',
        agent: null,
        agentSource: null,
        terminal: true,
        pid: 4242,
        ppid: 4200,
        cwd: '/home/dev/myapp',
        project: 'myapp',
        environment: 'dev',
        secret: 'API_KEY',
        outcome: 'created',
      },
    },
    {
      time: '2026-01-02T03:04:06.000Z',
      event: 'unlock',
      keyed: 'state',
      fields: {
        user: 'dev',
        agent: null,
        agentSource: null,
        terminal: false,
        pid: 4243,
        ppid: 4200,
        cwd: '/home/dev/myapp',
        outcome: 'failure',
      },
    },
    {
      time: '2026-01-02T03:04:07.000Z',
      event: 'run',
      keyed: 'vault',
      fields: {
        user: 'dev',
        agent: 'claude-code',
        agentSource: 'env',
        terminal: false,
        pid: 4244,
        ppid: 4201,
        cwd: '/home/dev/myapp',
        project: 'myapp',
        environment: 'dev',
        secrets: ['API_KEY', 'DATABASE_URL'],
        program: 'node',
        'note "quoted" é': 'ünïcode \u2028 line separator',
      },
    },
  ] satisfies { time: string; event: AuditEventKind; keyed: AuditKeyName; fields: AuditFields }[],
};
