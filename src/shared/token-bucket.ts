// The token bucket, used wherever something is paced: each session's rate limit in the room
// (plain data, so it lives in the socket attachment and survives hibernation), the room's
// optional delivery cap, and the clients' own pacing, which mirrors the room's limit so that a
// burst waits its turn instead of being refused.

/** A bucket's state: tokens left and when they were counted. Plain data, structured-cloneable. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** How a bucket fills: its capacity, and tokens added per second. */
export interface BucketRate {
  capacity: number;
  perSecond: number;
}

/** A full bucket. */
export function fullBucket(capacity: number, now: number): Bucket {
  return { tokens: capacity, at: now };
}

/** Refills `bucket` (mutating it) up to `now`. */
function refill(bucket: Bucket, rate: BucketRate, now: number): void {
  bucket.tokens = Math.min(rate.capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate.perSecond);
  bucket.at = now;
}

/** Takes `cost` tokens (mutating `bucket`); false, taking nothing, when there are not enough. */
export function takeTokens(bucket: Bucket, cost: number, rate: BucketRate, now: number): boolean {
  return waitForTokens(bucket, cost, rate, now) === 0;
}

/**
 * Milliseconds until `cost` tokens are there; 0 means they were there and have been taken
 * (mutating `bucket`). A caller that must wait takes nothing and asks again later.
 */
export function waitForTokens(bucket: Bucket, cost: number, rate: BucketRate, now: number): number {
  refill(bucket, rate, now);
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return 0;
  }
  return Math.ceil(((cost - bucket.tokens) / rate.perSecond) * 1000);
}
