// Appends audit records through the built platform module, as fast as it can: used by the
// audit e2e tests for concurrent writers and for SIGKILL in the middle of an append.
// argv: LATCH_HOME, count (0 = until killed), padding bytes per record.
import { appendAuditRecord } from '../../dist/audit/log.js';

const [home, countText, paddingText] = process.argv.slice(2);
const count = Number(countText);
const padding = 'x'.repeat(Number(paddingText ?? 0));
for (let index = 0; count === 0 || index < count; index++) {
  await appendAuditRecord(home, {
    event: 'run',
    fields: { pid: process.pid, index, padding, program: 'appender' },
    time: new Date().toISOString(),
    vaultKey: null,
  });
}
