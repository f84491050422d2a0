// Just enough POSIX shell for the onboarding kit: quoting values into generated scripts, and
// splitting pasted cron scripts into commands for the linter. Not a shell parser: no expansion,
// no here-documents, no nested quoting inside `$(…)` within double quotes.

// Words made only of these characters mean the same quoted or not, so they stay readable.
const SAFE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/**
 * Quotes a value as one shell word. Single quotes stop every expansion; an embedded single quote
 * becomes `'\''` (close, escaped quote, reopen), the only character that needs care inside them.
 */
export function shellQuote(value: string): string {
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export type ShellTokenKind = 'word' | 'operator';

export interface ShellToken {
  kind: ShellTokenKind;
  /** A word without its quotes (`"$X"` → `$X`); an operator as written (`&&`, `;`, a newline as `\n`). */
  text: string;
  /** 0-based line of the token's first character in the script. */
  line: number;
}

const OPERATORS = ['&&', '||', ';;', ';', '&', '|', '(', ')', '\n'] as const;

/**
 * Splits a script into words and control operators. `$(` and backticks count as `(` / `)`, so a CLI
 * call inside a command substitution is still seen as a command. Comments are dropped.
 */
export function tokenizeShell(script: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  let line = 0;
  let word = '';
  let wordLine = 0;
  let inWord = false;
  let backtickOpen = false;

  const startWord = () => {
    if (!inWord) {
      inWord = true;
      wordLine = line;
    }
  };
  const endWord = () => {
    if (inWord) tokens.push({ kind: 'word', text: word, line: wordLine });
    inWord = false;
    word = '';
  };

  for (let i = 0; i < script.length; i++) {
    const char = script[i] as string;
    if (char === '\\') {
      const next = script[i + 1];
      if (next === '\n') {
        // A line continuation joins two lines into one command.
        line++;
        i++;
        continue;
      }
      startWord();
      word += next ?? '';
      i++;
      continue;
    }
    if (char === "'") {
      startWord();
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? script.length : end;
      const quoted = script.slice(i + 1, stop);
      word += quoted;
      line += countNewlines(quoted);
      i = stop;
      continue;
    }
    if (char === '"') {
      startWord();
      let j = i + 1;
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length) {
          word += script[j + 1];
          if (script[j + 1] === '\n') line++;
          j += 2;
          continue;
        }
        if (script[j] === '\n') line++;
        word += script[j];
        j++;
      }
      i = j;
      continue;
    }
    if (char === '#' && !inWord) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
      continue;
    }
    if (char === '$' && script[i + 1] === '(' && script[i + 2] !== '(') {
      endWord();
      tokens.push({ kind: 'operator', text: '(', line });
      i++;
      continue;
    }
    if (char === '`') {
      endWord();
      tokens.push({ kind: 'operator', text: backtickOpen ? ')' : '(', line });
      backtickOpen = !backtickOpen;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
      continue;
    }
    if (char === '&' && inWord && /[<>]$/.test(word)) {
      // `2>&1`, `<&3`: part of a redirection, not a background operator.
      word += char;
      continue;
    }
    const operator = OPERATORS.find((candidate) => script.startsWith(candidate, i));
    if (operator) {
      endWord();
      tokens.push({ kind: 'operator', text: operator, line });
      if (operator === '\n') line++;
      i += operator.length - 1;
      continue;
    }
    startWord();
    word += char;
  }
  endWord();
  return tokens;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count++;
  return count;
}

export interface SimpleCommand {
  words: ShellToken[];
  /** The operator that ends the command (`;`, `&&`, `\n`, …), or null at the end of the script. */
  separator: string | null;
}

/** Splits a script into simple commands: the words between two control operators. */
export function splitCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: ShellToken[] = [];
  for (const token of tokenizeShell(script)) {
    if (token.kind === 'word') {
      words.push(token);
      continue;
    }
    if (words.length > 0) commands.push({ words, separator: token.text });
    words = [];
  }
  if (words.length > 0) commands.push({ words, separator: null });
  return commands;
}

// Words that can stand before the command itself without being it.
const PREFIX_WORDS = new Set(['if', 'elif', 'then', 'else', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'nohup', 'env']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The command's words from the command name on: keywords, `env`/`nohup`-style prefixes and `VAR=value` assignments dropped. */
export function commandWords(words: readonly ShellToken[]): string[] {
  let start = 0;
  while (start < words.length) {
    const text = (words[start] as ShellToken).text;
    if (!PREFIX_WORDS.has(text) && !ASSIGNMENT.test(text)) break;
    start++;
  }
  return words.slice(start).map((word) => word.text);
}
