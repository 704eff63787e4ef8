import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import type { TagDetail } from './types';

export interface Catalog {
  tags: TagDetail[];
  /** The catalog entry of a tag name (names are unique regardless of case). */
  find(name: string): TagDetail | undefined;
  reload(): void;
}

/** The tenant's tag catalog, with colours, for chips and pickers. */
export function useCatalog(api: Api): Catalog {
  const [tags, setTags] = useState<TagDetail[]>([]);
  const reload = useCallback(() => {
    api.get<{ items: TagDetail[] }>('/v1/tags').then(
      (catalog) => setTags(catalog.items),
      () => setTags([]),
    );
  }, [api]);
  useEffect(reload, [reload]);
  const find = (name: string) => tags.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
  return { tags, find, reload };
}
