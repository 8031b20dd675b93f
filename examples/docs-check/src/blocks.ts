/**
 * Reads a Markdown page's fenced code blocks. A `text` block right after a code block is what that code
 * prints, so the page's claims about output are checked too.
 */
export interface CodeBlock {
  lang: string;
  code: string;
  /** Line of the opening fence (1-based), for error messages. */
  line: number;
  /** The `text` block that follows, when there is one. */
  prints?: string;
}

const FENCE = /^```(\w*)\s*$/;

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(FENCE);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`unclosed code fence at line ${start + 1}`);
    const block = { lang: open[1] ?? '', code: body.join('\n'), line: start + 1 };
    const previous = blocks.at(-1);
    if (block.lang === 'text' && previous && previous.lang !== 'text' && previous.prints === undefined) {
      previous.prints = block.code;
    }
    blocks.push(block);
  }
  return blocks;
}

/** The blocks of one language, joined into one program in page order, and the output they promise. */
export function program(
  markdown: string,
  lang: string,
  comment = '//',
): { code: string; expected: string; count: number } {
  const blocks = codeBlocks(markdown).filter((block) => block.lang === lang);
  return {
    code: blocks.map((block) => `${comment} docs line ${block.line}\n${block.code}`).join('\n\n'),
    expected: blocks.flatMap((block) => (block.prints === undefined ? [] : [block.prints])).join('\n'),
    count: blocks.length,
  };
}
