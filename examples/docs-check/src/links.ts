/** Markdown links of a page, with the line they are on; fenced code is skipped. */
export interface Link {
  text: string;
  target: string;
  line: number;
}

export function markdownLinks(page: string): Link[] {
  const links: Link[] = [];
  let fenced = false;
  page.split('\n').forEach((content, index) => {
    if (content.trimStart().startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const match of content.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
      links.push({ text: match[1] as string, target: match[2] as string, line: index + 1 });
    }
  });
  return links;
}

/** A link whose text is in curly quotes names a test title that the linked file must contain. */
export function quotedTitle(link: Link): string | undefined {
  const match = /^“(.+)”$/.exec(link.text);
  return match?.[1];
}
