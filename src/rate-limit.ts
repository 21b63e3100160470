// Token buckets: one per session (kept in the socket attachment, so it survives hibernation)
// and one per room, for the deliveries a room fans out per second.

/** A bucket's state: tokens left and when they were counted. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** A full bucket. */
export function fullBucket(capacity: number, now: number): Bucket {
  return { tokens: capacity, at: now };
}

/**
 * Takes `cost` tokens from `bucket` (mutating it) after refilling it at `perSecond` up to
 * `capacity`; returns false, taking nothing, when there are not enough.
 */
export function takeTokens(bucket: Bucket, cost: number, capacity: number, perSecond: number, now: number): boolean {
  bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  bucket.at = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}
