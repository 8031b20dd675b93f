/**
 * Which HTTP bodies are text an agent reads, and so filtered: JSON, `text/*`, XML, forms, JavaScript
 * and a body with no content type at all (the agent will read it as text). Images, archives, PDFs and
 * other binary types are relayed untouched: rewriting their bytes would corrupt them.
 */
const TEXT_LIKE =
  /^(?:text\/[a-z0-9.+-]+|application\/(?:[a-z0-9.+-]*\+)?(?:json|xml)|application\/(?:x-www-form-urlencoded|javascript|x-ndjson|ndjson|jsonl|graphql|yaml|x-yaml|toml))$/;

export function isTextLike(contentType: string | null): boolean {
  if (contentType === null || contentType.trim() === '') return true;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return TEXT_LIKE.test(essence);
}
