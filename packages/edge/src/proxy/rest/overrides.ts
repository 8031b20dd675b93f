/**
 * Request parts through which an upstream could be told to run another method or path than the one
 * that was decided: method/URL override headers (honoured by many frameworks and gateways), the
 * `_method` field that Rails, Laravel and Express's method-override read from the query or a form
 * body, and a request body the upstream would decompress into content the policy never read. None is
 * ever forwarded: the request is refused with 400 naming the part, so the agent learns it is not
 * allowed and the upstream hears nothing.
 */
import type { HeaderList } from './headers.js';

/**
 * Compared after `_` → `-`: CGI, WSGI, Rack and PHP map `X_HTTP_METHOD_OVERRIDE` and
 * `X-HTTP-Method-Override` to the same variable.
 */
const OVERRIDE_HEADERS = new Set([
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-method',
  'x-forwarded-method',
  'x-envoy-original-method',
  'x-original-url',
  'x-original-uri',
  'x-rewrite-url',
  'x-override-url',
  'x-forwarded-uri',
  'x-forwarded-url',
  'x-forwarded-path',
  'x-forwarded-prefix',
  'x-envoy-original-path',
]);
const METHOD_FIELD = '_method';
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\//i;
// A multipart part named _method (quoted or not); a part header line, so a value cannot fake it.
const MULTIPART_METHOD_PART =
  /(^|\r?\n)content-disposition:[^\r\n]*;\s*name\s*=\s*"?_method"?\s*(;|\r?\n|$)/i;

/** A header name as an upstream framework may read it. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

export interface RefusedPart {
  code: 'proxy.override_refused' | 'proxy.encoding_refused';
  /** What to name in the answer: a header name or `query._method` / `body._method`. */
  part: string;
  message: string;
}

/** The first part of the request that could make the upstream do something undecided, or null. */
export function refusedRequestPart(
  headers: HeaderList,
  query: string | null,
  contentType: string | null,
  body: Buffer,
): RefusedPart | null {
  for (const [name, value] of headers) {
    const canonical = canonicalHeaderName(name);
    if (OVERRIDE_HEADERS.has(canonical)) {
      return {
        code: 'proxy.override_refused',
        part: name,
        message: `the ${name} header is refused: it could make the upstream run a method or path that was not decided; call the route with its own method and path.`,
      };
    }
    if (canonical === 'content-encoding' && value.trim().toLowerCase() !== 'identity') {
      return {
        code: 'proxy.encoding_refused',
        part: name,
        message: `the ${name} header is refused: an encoded body cannot be read for the decision; send the body unencoded.`,
      };
    }
  }
  if (query !== null && hasMethodField(query)) {
    return {
      code: 'proxy.override_refused',
      part: `query.${METHOD_FIELD}`,
      message: `the query field ${METHOD_FIELD} is refused: it overrides the method at many upstreams; call the route with its own method.`,
    };
  }
  if (body.length > 0 && contentType !== null) {
    const form = FORM_TYPE.test(contentType) && hasMethodField(body.toString('latin1'));
    if (form || (MULTIPART_TYPE.test(contentType) && MULTIPART_METHOD_PART.test(body.toString('latin1')))) {
      return {
        code: 'proxy.override_refused',
        part: `body.${METHOD_FIELD}`,
        message: `the body field ${METHOD_FIELD} is refused: it overrides the method at many upstreams; call the route with its own method.`,
      };
    }
  }
  return null;
}

function hasMethodField(urlencoded: string): boolean {
  for (const name of new URLSearchParams(urlencoded).keys()) {
    if (name.trim().toLowerCase() === METHOD_FIELD) return true;
  }
  return false;
}
