import { REPORT_DEFAULT_BUCKET, REPORT_DEFAULT_TOP } from '../../constants.js';
import { type ReportBucket, resolveWindow, rolloutReport } from '../../reports/index.js';
import { caller, type OperationSpec } from '../types.js';

export const rolloutReportOperation: OperationSpec = {
  roles: ['admin', 'approver'],
  async run(context) {
    const { services, query } = context;
    const window = resolveWindow(
      { since: query.since as string | undefined, until: query.until as string | undefined },
      services.nowMs(),
      'query',
    );
    const report = await rolloutReport(services.stores.ledger.events(caller(context).tenantId), {
      window,
      bucket: (query.bucket as ReportBucket | undefined) ?? REPORT_DEFAULT_BUCKET,
      top: (query.top as number | undefined) ?? REPORT_DEFAULT_TOP,
    });
    return { status: 200, body: report };
  },
};
