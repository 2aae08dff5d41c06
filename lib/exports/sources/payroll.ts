/**
 * Source of the `payroll` export: per member and pay period hours by pay type, laid out as a
 * payroll provider's import expects (presets). PLACEHOLDER until the formats slice lands.
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import type { Table } from "../table.ts";
import type { ExportQuery } from "./source.ts";

/** Payroll layouts: Gusto's hours import, QuickBooks Online Payroll's time import, generic. */
export const PAYROLL_PRESETS = ["gusto", "quickbooks_online", "generic"] as const;
/** A payroll layout. */
export type PayrollPreset = (typeof PAYROLL_PRESETS)[number];

/** The payroll table of `query` in layout `query.preset` (default `generic`). */
export function payrollTable(_ctx: RequestContext, _query: ExportQuery): Promise<Table> {
  throw new Error("payroll export: not built yet");
}
