/**
 * Where the API serves the things a call created, started or left pending: one place for the
 * `Location` headers and the links in response bodies, so they cannot drift from the routes.
 */
export const ResourceUrls = {
  command: (commandId: string) => `/v1/commands/${commandId}`,
  tag: (tagId: string) => `/v1/tags/${tagId}`,
  job: (jobId: string) => `/v1/jobs/${jobId}`,
  segment: (segmentId: string) => `/v1/segments/${segmentId}`,
  campaign: (campaignId: string) => `/v1/campaigns/${campaignId}`,
};
