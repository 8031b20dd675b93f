import { decide } from '../../decide/index.js';
import { caller, type OperationSpec } from '../types.js';

export const preflight: OperationSpec = {
  roles: ['agent'],
  async run(context) {
    const decision = await decide(
      context.services.decide,
      { principal: caller(context), requestId: context.requestId, idempotencyKey: context.idempotencyKey },
      context.body,
    );
    // The lease travels beside the body so that an idempotency record never holds its value.
    const { credential, ...body } = decision;
    return {
      status: 200,
      body,
      ...(credential ? { lease: { tool: context.body.tool as string, credential } } : {}),
    };
  },
};
