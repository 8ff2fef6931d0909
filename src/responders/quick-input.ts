// One text field of a form, answered in as few keys as possible: type the answer, Enter. Esc declines the
// whole request (shown under the field, with Ctrl-C = cancel). An invalid value stays on the line with the
// reason under it, and is *selected*: the next character typed replaces it, while Backspace or an arrow
// key edits it instead (so nobody deletes a wrong answer by hand). Built on @inquirer/core, like the
// other prompts, so the terminal handling (raw mode, resize, Ctrl-C, abort signals) is theirs.
import { createPrompt, isBackspaceKey, isEnterKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';

export interface QuickInputConfig {
  message: string;
  /** Offered value: Enter takes it; typing replaces it. */
  default?: string;
  /** Returns the reason a value is invalid, or undefined. */
  validate?: (value: string) => string | undefined;
  /** Shown under the field, e.g. "Enter sends · Esc declines · Ctrl-C cancels". */
  hint?: string;
}

export type QuickAnswer = { value: string } | { decline: true };

export const quickInput = createPrompt<QuickAnswer, QuickInputConfig>((config, done) => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<Status>('idle');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  /** After an invalid answer: the value is selected, typing replaces it. */
  const [selected, setSelected] = useState(false);
  const [offered, setOffered] = useState(config.default);
  const prefix = usePrefix({ status, theme });

  useKeypress((event, rl) => {
    if (status !== 'idle') return;
    // Node's readline keypress carries the typed text and modifiers too.
    const key = event as typeof event & { sequence?: string; meta?: boolean };
    if (key.name === 'escape') {
      setStatus('done');
      done({ decline: true });
      return;
    }
    if (isEnterKey(key)) {
      const answer = value || offered || '';
      const problem = config.validate?.(answer);
      if (problem === undefined) {
        setValue(answer);
        setStatus('done');
        done({ value: answer });
      } else {
        // Readline cleared its line on Enter: put the value back, selected.
        rl.write(answer);
        setValue(answer);
        setOffered(undefined);
        setError(problem);
        setSelected(true);
      }
      return;
    }
    const printable = typeof key.sequence === 'string' && key.sequence.length === 1 && !key.ctrl && !key.meta && key.sequence >= ' ' && key.sequence !== '\x7f';
    if (selected && printable) {
      // The typed character replaces the selected (invalid) value.
      rl.clearLine(0);
      rl.write(key.sequence!);
      setValue(key.sequence!);
      setSelected(false);
      return;
    }
    if (offered !== undefined && !value && (printable || isBackspaceKey(key))) setOffered(undefined);
    setSelected(false);
    setValue(rl.line);
  });

  const message = theme.style.message(config.message, status);
  if (status === 'done') return `${prefix} ${message} ${theme.style.answer(value)}`;
  const shown = selected ? `\x1b[7m${value}\x1b[27m` : value;
  const offer = offered !== undefined && !value ? theme.style.defaultAnswer(offered) : '';
  const below = [
    error ? theme.style.error(`${error}${selected ? ' — type to replace it, ← or Backspace to edit it' : ''}`) : '',
    config.hint ? `  ${config.hint}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return [[prefix, message, offer, shown].filter(Boolean).join(' '), below];
});
