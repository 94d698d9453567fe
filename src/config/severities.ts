export const SEVERITIES = ['off', 'info', 'warn', 'error'] as const;
