// A real drop: a DataTransfer holding Files, built in the page and dispatched on the drop target,
// as a user dragging files from the desktop produces.
import type { Locator } from '@playwright/test';

export interface DroppedFile {
  name: string;
  /** base64 of the content */
  base64: string;
  type?: string;
}

export async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type ?? 'application/octet-stream' }));
    }
    return dt;
  }, files);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}
