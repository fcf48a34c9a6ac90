/** Times and durations in the operator's language (Chromium's ICU has Hindi). */
const locale = (language: string) => (language === 'hi' ? 'hi-IN' : 'en-IN');

export function formatTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(locale(language), { hour: 'numeric', minute: '2-digit', day: 'numeric', month: 'short' }).format(new Date(iso));
}

/** "3 hours 12 minutes", "14 minutes", "40 seconds". */
export function formatDuration(ms: number, language: string): string {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  const unit = (value: number, name: 'hour' | 'minute' | 'second') => new Intl.NumberFormat(locale(language), { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
  if (totalMinutes === 0) return unit(Math.max(0, Math.floor(Math.abs(ms) / 1000)), 'second');
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return unit(minutes, 'minute');
  return minutes === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
}
