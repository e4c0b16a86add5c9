/** A secret's states as badges, worst first. */
import { element } from './dom.js';
import type { SecretStatus } from './types.js';

/** The states of a secret as badge classes and words. */
export function states(secret: SecretStatus): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  if (!secret.set)
    found.push(secret.required ? ['missing-required', 'missing, required'] : ['missing', 'missing']);
  if (secret.rotationNeeded) found.push(['leaked', 'leaked: rotate']);
  if (secret.expired) found.push(['expired', 'expired']);
  if (secret.rotationDue) found.push(['rotation-due', 'rotation due']);
  if (secret.set && found.length === 0) found.push(['set', 'set']);
  return found;
}

/** A table cell with the secret's state badges. */
export function stateCell(secret: SecretStatus): HTMLTableCellElement {
  const cell = element('td');
  for (const [kind, words] of states(secret)) cell.append(element('span', words, `state state-${kind}`));
  return cell;
}

/** A date-time shown as its day (the full time in the title). */
export function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '';
}
