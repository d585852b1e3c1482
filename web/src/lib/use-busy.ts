"use client";
import { useCallback, useState } from "react";

/**
 * A form's "working…" flag: `busy` is true while an action given to `run` is in flight (a permit signature, an
 * approve and the call it enables, …), so the form can disable itself across every step, not only one transaction.
 */
export function useBusy(): { busy: boolean; run: <T>(action: () => Promise<T>) => Promise<T> } {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T> => {
    setBusy(true);
    try {
      return await action();
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, run };
}
