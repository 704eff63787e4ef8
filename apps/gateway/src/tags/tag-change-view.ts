import type { TagPayload, TagView } from '@switchboard/contracts';
import { ResourceUrls } from '../resource-urls';

/** A tag after a change (or as it was, for a deletion) and the job that carries it to its contacts. */
export class TagChangeView {
  tag: TagView;

  /** The background job that renames or removes the tag on every contact that carries it. */
  jobId?: string;

  /** Where to follow that job. */
  jobUrl?: string;
}

export function tagChangeOf({ tag, jobId }: TagPayload): TagChangeView {
  return { tag, ...(jobId && { jobId, jobUrl: ResourceUrls.job(jobId) }) };
}
