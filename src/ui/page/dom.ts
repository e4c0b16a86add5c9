/**
 * Building the page's elements. Everything shown is set with textContent, never parsed as
 * HTML: names and descriptions come from files a repository controls.
 */

/** The element every view fills. */
export const main = document.getElementById('main') as HTMLElement;

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | null,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * A table with `headings`, and its body to fill. Columns named in `wide` are hidden in a
 * narrow window (their cells take the class `wide` too).
 */
export function table(
  headings: string[],
  options: { caption?: string; wide?: string[] } = {},
): [HTMLTableElement, HTMLTableSectionElement] {
  const node = element('table');
  if (options.caption) node.createCaption().textContent = options.caption;
  const head = node.createTHead().insertRow();
  for (const heading of headings) {
    const cell = element('th', heading, options.wide?.includes(heading) ? 'wide' : undefined);
    cell.scope = 'col';
    head.append(cell);
  }
  return [node, node.createTBody()];
}

/** A link to one of the page's views (`#/view?query`). */
export function viewLink(text: string, view: string, query: Record<string, string> = {}): HTMLAnchorElement {
  const link = element('a', text);
  const search = new URLSearchParams(query).toString();
  link.href = `#/${view}${search ? `?${search}` : ''}`;
  return link;
}

/** A button that runs `action` on click (and Enter or Space, as buttons do). */
export function button(text: string, action: () => void, className?: string): HTMLButtonElement {
  const node = element('button', text, className);
  node.type = 'button';
  node.addEventListener('click', action);
  return node;
}

/** A labelled input: the label wraps it, so a screen reader names the field. */
export function labelled(
  text: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
): HTMLLabelElement {
  const label = element('label', text);
  label.append(input);
  return label;
}

/** A live region for an action's outcome, read out by screen readers when it changes. */
export function outcomeLine(id: string): HTMLParagraphElement {
  const line = element('p', '', 'outcome');
  line.id = id;
  line.setAttribute('role', 'status');
  line.setAttribute('aria-live', 'polite');
  return line;
}
