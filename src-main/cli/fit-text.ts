// Fitting text into a terminal's columns: long names are cut in the middle (the start says what
// it is, the end has the extension and the episode number), never wrapped.
export function fitText(text: string, width: number): string {
  const chars = [...text]; // code points, so an emoji is never cut in half
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  const tail = Math.floor((width - 1) / 3);
  return `${chars.slice(0, width - 1 - tail).join('')}\u2026${tail > 0 ? chars.slice(-tail).join('') : ''}`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...text].length)) + text;
}
