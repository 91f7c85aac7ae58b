import { useDomain, useStores } from '../../app/stores-context.js';
import { DropZone } from './DropZone.js';
import { HashingStatus } from './HashingStatus.js';
import { SharedFileList } from './SharedFileList.js';
import { UploadList } from './UploadList.js';

export function ShareView() {
  const add = useDomain('uploads', (s) => s.add);
  const sharesInPlace = useStores().desktop !== null;
  return (
    <div className="view share-view">
      <DropZone onItems={add} sharesInPlace={sharesInPlace} />
      <UploadList />
      <HashingStatus />
      <SharedFileList />
    </div>
  );
}
