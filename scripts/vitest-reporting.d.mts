export function resultReporting(packageName: string): Record<string, unknown>;
