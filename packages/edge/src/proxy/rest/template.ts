/**
 * Route path templates: `/refunds/{charge}`. A parameter is a whole segment; literals are plain
 * characters (no percent-escapes, no dot segments), so a template has exactly one spelling and the
 * raw request path either is that spelling or does not match.
 */
export interface PathTemplate {
  source: string;
  segments: Array<{ literal: string } | { param: string }>;
  params: string[];
}

const LITERAL = /^[A-Za-z0-9_~!$&'()*+,;=:@.-]+$/;
const PARAM = /^\{([a-z_][a-z0-9_]{0,62})\}$/;

/** The compiled template, or a message saying what is wrong with it. */
export function compileTemplate(source: string): PathTemplate | string {
  if (!source.startsWith('/')) return 'must start with "/"';
  const parts = source === '/' ? [] : source.slice(1).split('/');
  const segments: PathTemplate['segments'] = [];
  const params: string[] = [];
  for (const part of parts) {
    const param = PARAM.exec(part)?.[1];
    if (param !== undefined) {
      if (params.includes(param)) return `parameter {${param}} appears twice`;
      params.push(param);
      segments.push({ param });
    } else if (!LITERAL.test(part) || part === '.' || part === '..') {
      return `segment "${part}" must be a {param} or plain characters (no %, no empty or dot segments)`;
    } else {
      segments.push({ literal: part });
    }
  }
  return { source, segments, params };
}

/** Raw parameter values when the raw segments match the template, else null. */
export function matchTemplate(template: PathTemplate, raw: readonly string[]): Record<string, string> | null {
  if (raw.length !== template.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < raw.length; i++) {
    const segment = template.segments[i] as PathTemplate['segments'][number];
    const value = raw[i] as string;
    if ('literal' in segment) {
      if (segment.literal !== value) return null;
    } else {
      params[segment.param] = value;
    }
  }
  return params;
}
