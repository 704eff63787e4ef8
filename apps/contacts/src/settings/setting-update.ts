/** When a stored setting was last set and by whom, as its view says it (absent while never set). */
export function settingUpdateOf(
  updatedAt: Date | undefined,
  updatedBy: string | undefined,
): { updatedAt?: string; updatedBy?: string } {
  return {
    ...(updatedAt && { updatedAt: new Date(updatedAt).toISOString() }),
    ...(updatedBy && { updatedBy }),
  };
}
