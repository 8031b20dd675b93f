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
    return { status: 200, body: decision };
  },
};
