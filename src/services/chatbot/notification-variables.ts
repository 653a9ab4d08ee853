// The variables a notification supplies by itself, by its type, without an attachment declaring
// them: what CreateCustomAction checks a button's criteria against, and what the chat side fills
// `$AlarmName` from. Only CloudWatch alarm notifications have a fixed set (the alarm message's
// fields); every other variable is one an attachment extracts by a path (its Variables).

/** NotificationType of CloudWatch alarm notifications (AWS's example: "cloudwatch describe-alarms --state-value ALARM" on "CloudWatch"). */
export const CLOUDWATCH_NOTIFICATION_TYPE = 'CloudWatch';

/** The scalar fields of a CloudWatch alarm's SNS message, and of its Trigger, each a variable of the same name. */
export const CLOUDWATCH_ALARM_VARIABLES: readonly string[] = [
  'AlarmName', 'AlarmDescription', 'AWSAccountId', 'AlarmConfigurationUpdatedTimestamp', 'NewStateValue', 'NewStateReason',
  'StateChangeTime', 'Region', 'AlarmArn', 'OldStateValue',
  // Trigger.*
  'MetricName', 'Namespace', 'StatisticType', 'Statistic', 'Unit', 'Period', 'EvaluationPeriods', 'DatapointsToAlarm',
  'ComparisonOperator', 'Threshold', 'TreatMissingData', 'EvaluateLowSampleCountPercentile',
];

/** Whether notifications of `notificationType` supply `variable` without the attachment declaring it. */
export function suppliedVariable(notificationType: string | undefined, variable: string): boolean {
  return notificationType?.toLowerCase() === CLOUDWATCH_NOTIFICATION_TYPE.toLowerCase() && CLOUDWATCH_ALARM_VARIABLES.includes(variable);
}
