import type { Category } from '../../src-shared/api/common.js';

// Short labels, not emoji: many Linux machines have no colour emoji font.
const labels: Record<Category, string> = {
  video: 'VID', audio: 'AUD', image: 'IMG', document: 'DOC', archive: 'ZIP', software: 'APP', code: 'SRC', other: 'FILE',
};

export function CategoryIcon({ category }: { category: Category }) {
  return (
    <span className={`category-icon cat-${category}`} role="img" aria-label={category} title={category}>
      {labels[category]}
    </span>
  );
}
