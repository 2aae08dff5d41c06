/**
 * Input schemas of the live board's use cases (`use_cases.ts`). Objects are strict: unknown
 * query fields are refused.
 *
 * @module
 */

import { z } from "zod";

/**
 * Where a live stream resumes: the last event id the client received (the `Last-Event-ID`
 * header, or `?lastEventId=` for clients that cannot set headers). Any string up to 64
 * characters is accepted; one the log cannot resume from gets a `reset` event, not an error.
 */
export const liveFeedInput = z.strictObject({
  lastEventId: z.string().max(64).optional(),
});

/** Live stream input, as validated. */
export type LiveFeedInput = z.infer<typeof liveFeedInput>;

/** Query of the live snapshot: none. */
export const liveSnapshotQuery = z.strictObject({});
