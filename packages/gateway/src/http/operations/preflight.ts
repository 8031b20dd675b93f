import { currentSpan } from '@actpass/edge/tracing';
import { decide } from '../../decide/index.js';
import { checkedOutcomes } from '../../decide/outcomes.js';
import { isToolName, type JsonObject } from '../../policy/index.js';
import { InvalidInputError } from '../../store/errors.js';
import { caller, type OperationSpec } from '../types.js';

export const preflight: OperationSpec = {
  roles: ['agent'],
  // Its one ledger effect is the decision event, which records the Idempotency-Key (decide/pipeline.ts).
  ledgerRecordsKey: true,
  async run(context) {
    const tool = context.body.tool as string;
    // A name a glob could be tricked by (`a.b/../c`, `.b`, `a..b`) never reaches a decision.
    if (!isToolName(tool)) {
      const message = 'must be dot-separated segments of letters, digits, "_" and "-"';
      throw new InvalidInputError(`body.tool: ${message}, e.g. "stripe.refund.create"; correct the value.`, [
        { path: 'body.tool', message },
      ]);
    }
    const principal = caller(context);
    // Outcome records ride along: all checked before anything is recorded or decided.
    const outcomes = await checkedOutcomes(
      context.services.decide.ledger,
      principal.tenantId,
      principal.keyId,
      context.body.outcomes as JsonObject[] | undefined,
    );
    const decision = await decide(
      context.services.decide,
      {
        principal,
        requestId: context.requestId,
        idempotencyKey: context.idempotencyKey,
        ...(outcomes.length > 0 ? { outcomes } : {}),
      },
      context.body,
    );
    currentSpan()
      ?.set('actpass.tool', tool)
      .set('actpass.decision', decision.decision)
      .set('actpass.reason_code', decision.reason_code)
      .set('actpass.mode', decision.mode)
      .set('actpass.evidence_event_id', decision.evidence_event_id);
    context.services.metrics?.decision({
      decision: decision.decision,
      reason_code: decision.reason_code,
      mode: decision.mode,
      tool,
    });
    // The lease travels beside the body so that an idempotency record never holds its value.
    const { credential, ...body } = decision;
    return {
      status: 200,
      body,
      ...(credential ? { lease: { tool: context.body.tool as string, credential } } : {}),
    };
  },
};
