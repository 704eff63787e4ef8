import type { Catalog } from './catalog';
import { textColourOn } from './format';

/** A tag as a coloured chip; `onRemove` adds a labelled remove button. */
export function TagChip({
  name,
  catalog,
  onRemove,
}: {
  name: string;
  catalog: Catalog;
  onRemove?: () => void;
}) {
  const colour = catalog.find(name)?.colour ?? '#e0e4ea';
  return (
    <span class="chip" style={{ background: colour, color: textColourOn(colour) }}>
      {name}
      {onRemove && (
        <button type="button" class="chip-remove" onClick={onRemove} aria-label={`Remove tag ${name}`}>
          ×
        </button>
      )}
    </span>
  );
}
