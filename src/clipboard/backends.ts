/**
 * Which program holds the clipboard here, as data: latch spawns the platform's own tools
 * (no native module). Pure: the platform, the environment and a PATH lookup come in.
 */

/** A program and its arguments; the value only ever goes to its stdin, never its argv. */
export interface ToolCommand {
  command: string;
  args: string[];
}

/** How to write, read and clear the clipboard with one tool. */
export interface ClipboardBackend {
  /** `xclip`, `xsel`, `wl-copy`, `pbcopy`, `clip.exe`. */
  id: string;
  copy: ToolCommand;
  paste: ToolCommand;
  /** Clearing: a command, with empty stdin when `copy` is reused. */
  clear: ToolCommand;
}

const backends: Record<string, ClipboardBackend> = {
  'wl-copy': {
    id: 'wl-copy',
    copy: { command: 'wl-copy', args: ['--type', 'text/plain'] },
    paste: { command: 'wl-paste', args: ['--no-newline'] },
    clear: { command: 'wl-copy', args: ['--clear'] },
  },
  xclip: {
    id: 'xclip',
    copy: { command: 'xclip', args: ['-selection', 'clipboard', '-in'] },
    paste: { command: 'xclip', args: ['-selection', 'clipboard', '-out'] },
    clear: { command: 'xclip', args: ['-selection', 'clipboard', '-in'] },
  },
  xsel: {
    id: 'xsel',
    copy: { command: 'xsel', args: ['--clipboard', '--input'] },
    paste: { command: 'xsel', args: ['--clipboard', '--output'] },
    clear: { command: 'xsel', args: ['--clipboard', '--clear'] },
  },
  pbcopy: {
    id: 'pbcopy',
    copy: { command: 'pbcopy', args: [] },
    paste: { command: 'pbpaste', args: [] },
    clear: { command: 'pbcopy', args: [] },
  },
  'clip.exe': {
    id: 'clip.exe',
    copy: { command: 'clip.exe', args: [] },
    paste: { command: 'powershell.exe', args: ['-NoProfile', '-Command', 'Get-Clipboard -Raw'] },
    clear: { command: 'powershell.exe', args: ['-NoProfile', '-Command', 'Set-Clipboard -Value $null'] },
  },
};

/** The backend named `id` (as the clearing process is told), or undefined. */
export function backendById(id: string): ClipboardBackend | undefined {
  return Object.hasOwn(backends, id) ? backends[id] : undefined;
}

/** Why there is no clipboard: no display to talk to, or no tool installed. */
export interface NoClipboard {
  reason: 'no-display' | 'no-tool';
  /** One line saying what to do. */
  message: string;
}

/**
 * The backend to use on `platform` with `env`, given `has(command)` (is it on PATH), or why
 * there is none. Wayland first when both a Wayland and an X display are set (XWayland).
 */
export function chooseBackend(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  has: (command: string) => boolean,
): ClipboardBackend | NoClipboard {
  if (platform === 'darwin') return backends.pbcopy!;
  if (platform === 'win32') return backends['clip.exe']!;
  const over = env.SSH_CONNECTION || env.SSH_TTY ? ' (over SSH, --osc52 copies through your terminal)' : '';
  if (env.WAYLAND_DISPLAY && has('wl-copy') && has('wl-paste')) return backends['wl-copy']!;
  if (env.DISPLAY) {
    if (has('xclip')) return backends.xclip!;
    if (has('xsel')) return backends.xsel!;
    return {
      reason: 'no-tool',
      message: `no clipboard tool found; install xclip or xsel (apt install xclip)${env.WAYLAND_DISPLAY ? ', or wl-clipboard for Wayland' : ''}`,
    };
  }
  if (env.WAYLAND_DISPLAY)
    return {
      reason: 'no-tool',
      message: 'no clipboard tool found; install wl-clipboard (apt install wl-clipboard)',
    };
  return {
    reason: 'no-display',
    message: `no clipboard here: neither DISPLAY nor WAYLAND_DISPLAY is set${over}`,
  };
}

/**
 * The backend marked to copy as a secret, when its tool can say so: wl-copy's `--sensitive`
 * (newer wl-clipboard) offers `x-kde-passwordManagerHint: secret`, which KDE's Klipper,
 * CopyQ and cliphist honour by keeping the value out of their history. `helpText` is the
 * tool's `--help` output; xclip, xsel and pbcopy offer one content type per copy, so they
 * are returned as they are.
 */
export function markedAsSecret(backend: ClipboardBackend, helpText: string): ClipboardBackend {
  if (backend.id !== 'wl-copy' || !/--sensitive\b/.test(helpText)) return backend;
  return { ...backend, copy: { ...backend.copy, args: [...backend.copy.args, '--sensitive'] } };
}
