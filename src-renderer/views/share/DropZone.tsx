// The big "Drop files to share" target: many files and whole folders at once, or chosen with the
// buttons (keyboard users, phones).
import { useRef, useState, type DragEvent } from 'react';
import type { UploadItem } from '../../bridge/transport.js';
import { filesToItems, readDroppedItems } from './read-dropped-files.js';

export function DropZone({ onItems, sharesInPlace }: { onItems: (items: UploadItem[]) => void; sharesInPlace: boolean }) {
  const [over, setOver] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void readDroppedItems(e.dataTransfer).then((items) => items.length > 0 && onItems(items));
  };

  return (
    <section
      className={over ? 'dropzone over' : 'dropzone'}
      data-testid="dropzone"
      aria-label="Drop files to share"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="dropzone-title">Drop files to share</p>
      <p className="muted">
        {sharesInPlace
          ? 'Files and folders are shared where they are (nothing is copied), and every Shoal on the network can find them.'
          : 'Files and folders go into your shared folder, and every Shoal on the network can find them.'}
      </p>
      <div className="row">
        <button type="button" onClick={() => files.current?.click()}>
          Choose files
        </button>
        <button type="button" className="secondary" onClick={() => folder.current?.click()}>
          Choose a folder
        </button>
      </div>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        aria-label="Files to share"
        onChange={(e) => {
          if (e.target.files) onItems(filesToItems(e.target.files));
          e.target.value = '';
        }}
      />
      <input
        ref={folder}
        type="file"
        hidden
        aria-label="Folder to share"
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          if (e.target.files) onItems(filesToItems(e.target.files));
          e.target.value = '';
        }}
      />
    </section>
  );
}
