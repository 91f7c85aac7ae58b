// What was dropped, as files with their path inside any dropped folder. Folders are walked with
// the File System Entries API (webkitGetAsEntry); where a browser gives no entries, the plain
// file list is used.
import type { UploadItem } from '../../bridge/transport.js';

export async function readDroppedItems(data: DataTransfer): Promise<UploadItem[]> {
  const entries = [...data.items].map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((e) => e === null)) return filesToItems(data.files);
  const out: UploadItem[] = [];
  for (const entry of entries as FileSystemEntry[]) await walk(entry, '', out);
  return out;
}

export function filesToItems(files: FileList | File[]): UploadItem[] {
  return [...files].map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

async function walk(entry: FileSystemEntry, prefix: string, out: UploadItem[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath: path });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chrome) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, `${path}/`, out);
  }
}
