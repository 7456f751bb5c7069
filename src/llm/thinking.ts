/**
 * Reasoning models (DeepSeek-R1 distills, Qwen3, gpt-oss) think before they answer: in
 * `<think>...</think>` inside the text, in a `reasoning_content` (or `reasoning`) field of
 * OpenAI-style deltas, or in Ollama's `thinking` field. The thinking is kept apart from the
 * answer: saved beside it, never searched for the reward code, never sent back to the model.
 */

const OPEN = /<think(?:ing)?>/i;
const CLOSE = /<\/think(?:ing)?>/i;

/** The answer without its `<think>` blocks, and the thinking they held (blocks joined). */
export function splitThinking(text: string): { answer: string; thinking: string } {
  if (!OPEN.test(text) && !CLOSE.test(text)) return { answer: text, thinking: '' }; // as it came
  let answer = '';
  const thoughts: string[] = [];
  let rest = text;
  for (;;) {
    const open = OPEN.exec(rest);
    // a closing tag with no opening one: the server put the opening tag in the template
    const close = CLOSE.exec(rest);
    if (close && (!open || close.index < open.index)) {
      thoughts.push(rest.slice(0, close.index));
      rest = rest.slice(close.index + close[0].length);
      continue;
    }
    if (!open) break;
    answer += rest.slice(0, open.index);
    rest = rest.slice(open.index + open[0].length);
    const end = CLOSE.exec(rest);
    if (!end) {
      // never closed (the answer ran out of tokens while thinking): all of it is thinking
      thoughts.push(rest);
      rest = '';
      break;
    }
    thoughts.push(rest.slice(0, end.index));
    rest = rest.slice(end.index + end[0].length);
  }
  return { answer: (answer + rest).trim(), thinking: thoughts.map((t) => t.trim()).filter(Boolean).join('\n\n') };
}

/** A completion's answer and thinking, from its text and what a thinking field carried. */
export function answerAndThinking(text: string, thinkingField: string): { text: string; thinking: string } {
  const { answer, thinking } = splitThinking(text);
  return { text: answer, thinking: [thinkingField.trim(), thinking].filter(Boolean).join('\n\n') };
}
