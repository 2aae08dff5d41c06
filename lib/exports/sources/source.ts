/**
 * What every export source is asked for, and the document shape of timesheet PDFs.
 *
 * @module
 */

/** The rows an export covers. Dates are local dates of the organization (inclusive). */
export interface ExportQuery {
  from: string;
  to: string;
  /** One member only (employees: always themselves); null for everyone visible. */
  userId: string | null;
  /** A payroll preset id (`payroll` kind only), else null. */
  preset: string | null;
}

/** One member's timesheet for one pay period, as a PDF page shows it. */
export interface TimesheetDocument {
  userId: string;
  memberName: string;
  /** Local dates, inclusive. */
  periodStart: string;
  periodEnd: string;
  /** `open`, `submitted`, `approved`, `rejected`. */
  status: string;
  /** One row per day of the period, in order. */
  days: {
    date: string;
    /** Paid seconds worked that day. */
    workedSeconds: number;
    /** Unpaid break seconds. */
    breakSeconds: number;
    /** PTO seconds. */
    ptoSeconds: number;
  }[];
  totals: {
    workedSeconds: number;
    regularSeconds: number;
    overtimeSeconds: number;
    doubleTimeSeconds: number;
    ptoSeconds: number;
  };
}
