import { keys } from "../keys.js";
import type { LoginRefusal, LoginThrottle, LoginTicket } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type Script } from "./define-script.js";
import {
  RELEASE_FAILURE_LUA,
  RESERVE_ADDRESS_LUA,
  RESERVE_LOGIN_LUA,
  SETTLE_LOGIN_LUA,
} from "./scripts/login-attempt.js";

const WINDOW_MS = 5 * 60_000;

/**
 * The limits, per 5-minute window (SPEC 6 and 14). Guessing is bounded three ways:
 * - 10 failures per user from one address: one address cannot guess much at one user, and
 *   locking the user out from there locks nobody else out;
 * - 50 failures per address over every username, after which the address may still try each
 *   username once, but no username it has failed on: guessing from one address is bounded
 *   (50 guesses, plus one per username it has not yet tried), while a user with no failures
 *   there still logs in from it (behind a proxy not trusted for X-Forwarded-For, everyone
 *   shares one address, and one guesser must not lock them all out);
 * - 100 failures per user from everywhere, so many addresses together cannot guess fast
 *   either; but this bound does not apply to an address the user logged in from in the last
 *   30 days, so a distributed attack shuts out new addresses only, never the user's own.
 */
export const LOGIN_LIMITS = {
  /** Successful logins per user (SPEC 6). */
  logins: 10,
  failuresPerUserAndAddress: 10,
  failuresPerAddress: 50,
  failuresPerUser: 100,
} as const;
/** How long, and how many, addresses of a user stay known after a login from them. */
const KNOWN_ADDRESS_MS = 30 * 86_400_000;
const KNOWN_ADDRESSES = 20;

/** 0 for the first 3 failures from an address, then doubling from 250 ms up to 4 s. */
export function failureDelayMs(failures: number): number {
  return failures < 3 ? 0 : Math.min(4000, 250 * 2 ** (failures - 3));
}

function refusal(window: number, now: number): LoginRefusal {
  return { allowed: false, retryAfter: Math.ceil(((window + 1) * WINDOW_MS - now) / 1000) };
}

/**
 * Login attempts counted per user, per user and client address, and per address, in fixed
 * 5-minute windows. An attempt is reserved (counted as a failure) before its password is
 * checked, atomically, so a burst checks at most the allowed number (of a burst at one
 * username from one address, only the first is "first there"); a success takes its failure
 * back.
 */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly reserveUser: Script<[number, number]>;
  private readonly reserveAddress: Script<number>;
  private readonly settleUser: Script<number>;
  private readonly release: Script<null>;

  constructor(
    redis: RedisClient,
    private readonly clock: () => number = Date.now,
  ) {
    this.reserveUser = defineScript(redis, "reserveLogin", RESERVE_LOGIN_LUA);
    this.reserveAddress = defineScript(redis, "reserveLoginAddress", RESERVE_ADDRESS_LUA);
    this.settleUser = defineScript(redis, "settleLogin", SETTLE_LOGIN_LUA);
    this.release = defineScript(redis, "releaseLoginFailure", RELEASE_FAILURE_LUA);
  }

  private userKeys(username: string, address: string, window: number): string[] {
    return [
      keys.loginOk(username, window),
      keys.loginFailures(username, window),
      keys.loginFailuresFrom(username, address, window),
      keys.loginKnownAddresses(username),
    ];
  }

  async reserve(username: string, address: string): Promise<LoginTicket | LoginRefusal> {
    const now = this.clock();
    const window = Math.floor(now / WINDOW_MS);
    const userKeys = this.userKeys(username, address, window);
    const [reserved, failuresHere] = await this.reserveUser(userKeys, [
      address,
      WINDOW_MS,
      LOGIN_LIMITS.logins,
      LOGIN_LIMITS.failuresPerUserAndAddress,
      LOGIN_LIMITS.failuresPerUser,
    ]);
    if (!reserved) return refusal(window, now);
    // Two calls, as the user's and the address's keys live in different Cluster slots: the
    // user's half says whether this username has failed from this address (the address's
    // budget bounds only those), and is given back if the address's half refuses.
    const first = failuresHere === 0 ? 1 : 0;
    const addressKey = keys.loginAddressFailures(address, window);
    if (
      !(await this.reserveAddress(
        [addressKey],
        [WINDOW_MS, LOGIN_LIMITS.failuresPerAddress, first],
      ))
    ) {
      await this.release(userKeys.slice(1, 3), []);
      return refusal(window, now);
    }
    return { allowed: true, delayMs: failureDelayMs(failuresHere), username, address, window };
  }

  async settle(
    ticket: LoginTicket,
    outcome: "ok" | "fail",
  ): Promise<{ allowed: true } | LoginRefusal> {
    const { username, address, window } = ticket;
    if (outcome === "fail") return refusal(window, this.clock());
    const [allowed] = await Promise.all([
      this.settleUser(this.userKeys(username, address, window), [
        address,
        WINDOW_MS,
        LOGIN_LIMITS.logins,
        KNOWN_ADDRESS_MS,
        KNOWN_ADDRESSES,
      ]),
      this.release([keys.loginAddressFailures(address, window)], []),
    ]);
    return allowed === 1 ? { allowed: true } : refusal(window, this.clock());
  }
}
