/**
 * Typed Hono context shared by every route: the dependencies and what middleware resolved.
 *
 * @module
 */

import type { Context } from "hono";
import type { Config } from "../config.ts";
import type { OrgScope, Store } from "../lib/kv/mod.ts";
import type { User } from "../lib/identity/users.ts";
import type { Membership } from "../lib/members/members.ts";
import type { Organization } from "../lib/orgs/orgs.ts";
import type { ThrottlePolicy } from "../lib/identity/throttle.ts";

/** What the app is built from. Tests inject their own clock and cheaper password hashing. */
export interface AppDeps {
  store: Store;
  config: Config;
  /** The server clock, epoch ms. */
  now: () => number;
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  throttle: ThrottlePolicy;
}

/** The organization a request acts in, after authorization. */
export interface OrgContext {
  scope: OrgScope;
  org: Organization;
  membership: Membership;
  membershipVersionstamp: string;
}

/** Hono environment of this app. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    user: User | null;
    sessionToken: string | null;
    org: OrgContext;
  };
}

/** The Hono context of this app. */
export type AppContext = Context<AppEnv>;
