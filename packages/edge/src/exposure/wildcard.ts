/**
 * `*` matches any run of characters, everything else matches itself; case-insensitive. Rules match
 * free-form names (`read_file`, `@scope/server-x`), so this is deliberately looser than policy globs,
 * and it never builds a regular expression from a rules file: the pattern's pieces are found in order.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const subject = text.toLowerCase();
  const [head = '', ...tail] = pattern.toLowerCase().split('*');
  if (tail.length === 0) return subject === head;
  const last = tail.pop() as string;
  if (!subject.startsWith(head) || subject.length < head.length + last.length) return false;
  let from = head.length;
  for (const piece of tail) {
    const at = subject.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return subject.endsWith(last) && subject.length - last.length >= from;
}
