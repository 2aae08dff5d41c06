/**
 * Short flash codes carried in the `?ok=` query parameter after a successful form post
 * (Post/Redirect/Get). Only known codes are shown; anything else in the URL is ignored, so no
 * text from a link is ever reflected into the page.
 *
 * @module
 */

const MESSAGES = {
  welcome: "Welcome to ClockFlow! Your organization is ready.",
  signed_in: "You are signed in.",
  signed_out: "You are signed out.",
  password_reset: "Your password is set. Sign in with it.",
  password_changed: "Your password is changed. Other devices were signed out.",
  verification_sent: "We mailed you a new confirmation link.",
  org_created: "Organization created. You are its admin.",
  clocked_in: "You clocked in.",
  break_started: "Your break started.",
  break_ended: "Your break ended. Back to work!",
  clocked_out: "You clocked out.",
  entry_added: "Entry added.",
  entry_updated: "Entry updated.",
  entry_deleted: "Entry deleted.",
  member_added: "Member added.",
  member_updated: "Member updated.",
  invitation_sent: "Invitation sent.",
  invitation_revoked: "Invitation revoked.",
  invitation_accepted: "Welcome! You joined the organization.",
  conflict_resolved: "Kiosk conflict marked resolved.",
} as const;

/** A known flash code. */
export type FlashCode = keyof typeof MESSAGES;

/**
 * The message of a flash code, or null for missing and unknown codes.
 *
 * @example
 * ```ts
 * flashMessage("clocked_in"); // "You clocked in."
 * flashMessage("<script>"); // null
 * ```
 */
export function flashMessage(code: string | undefined | null): string | null {
  return code && Object.hasOwn(MESSAGES, code) ? MESSAGES[code as FlashCode] : null;
}
