/**
 * The route table is derived from the contract: every path and method of the OpenAPI document is
 * routed, and an operation the contract declares but the gateway does not implement fails at start-up,
 * not on the first request.
 */
import { contract } from '../generated/contract.js';
import type { OperationSpec } from './types.js';
import { type OperationValidators, operationValidators } from './validation.js';

export interface Route {
  method: string;
  template: string;
  operationId: string;
  pattern: RegExp;
  paramNames: string[];
  spec: OperationSpec;
  validators: OperationValidators;
  bodyRequired: boolean;
  hasBody: boolean;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong_method'; allowed: string[] }
  | { kind: 'none' };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface ContractOperation {
  operationId: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { $ref?: string } }> };
  parameters?: Array<{ name: string; in: string; $ref?: string }>;
}

export class Router {
  readonly routes: Route[] = [];

  constructor(operations: Readonly<Record<string, OperationSpec>>) {
    const paths = contract.paths as unknown as Record<
      string,
      Partial<Record<(typeof METHODS)[number], ContractOperation>>
    >;
    for (const [template, item] of Object.entries(paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const spec = operations[operation.operationId];
        if (!spec) throw new Error(`contract operation ${operation.operationId} has no implementation`);
        const paramNames = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)');
        this.routes.push({
          method: method.toUpperCase(),
          template,
          operationId: operation.operationId,
          pattern: new RegExp(`^${source}$`),
          paramNames,
          spec,
          validators: operationValidators(operation),
          bodyRequired: operation.requestBody?.required === true,
          hasBody: operation.requestBody !== undefined,
        });
      }
    }
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] as string);
      });
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'wrong_method', allowed } : { kind: 'none' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Left encoded: the parameter's schema then rejects it with a message naming the parameter.
    return segment;
  }
}
