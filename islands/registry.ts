/**
 * Every island, by the name its server marker carries (`data-island="Clock"`). The server wraps
 * these with `island()` from `components/islands.tsx`; `islands/client.ts` hydrates them.
 *
 * @module
 */

import { AccentPicker } from "./AccentPicker.tsx";
import { BillingAction } from "./BillingAction.tsx";
import { Clock } from "./Clock.tsx";
import { CopyButton } from "./CopyButton.tsx";
import { ExportProgress } from "./ExportProgress.tsx";
import { TeamBoard } from "./TeamBoard.tsx";
import { TimeZoneGuess } from "./TimeZoneGuess.tsx";

/** Island components by name. */
export const ISLANDS = {
  AccentPicker,
  BillingAction,
  Clock,
  CopyButton,
  ExportProgress,
  TeamBoard,
  TimeZoneGuess,
};

/** The name of an island. */
export type IslandName = keyof typeof ISLANDS;
