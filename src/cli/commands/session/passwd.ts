/** `latch passwd`: re-wrap the data key under a new passphrase; the body is not re-encrypted. */

import { recordEvent } from '../../../app/audit.js';
import { kdfParams, openVault, readPassphrase } from '../../../app/context.js';
import { type Io, say } from '../../../shared/io.js';
import type { ParsedArgs } from '../../args.js';

export async function run(_args: ParsedArgs, io: Io): Promise<number> {
  const vault = await openVault(io);
  const passphrase = await readPassphrase(io, { confirm: true, prefix: 'LATCH_NEW_PASSPHRASE' });
  // Recorded first, like every change to the vault: a passwd cut short leaves a record of a
  // change that did not land, never a changed passphrase with no record.
  await recordEvent(io, { kind: 'passwd' }, vault, 'required');
  await vault.changePassphrase(passphrase, kdfParams(io));
  say(io, 'passphrase changed; the old one no longer opens the vault');
  return 0;
}
