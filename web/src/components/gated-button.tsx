"use client";
import { useId, type ButtonHTMLAttributes, type ReactNode } from "react";

/**
 * A button that can be blocked for a reason the user can read: while `blockedReason` is set the button is disabled
 * and the reason is shown right after it as a hint, tied to the button through aria-describedby (a screen reader
 * says why the button does nothing). `disabled` adds other causes without a hint (a transaction in flight).
 */
export function GatedButton({
  blockedReason,
  disabled,
  children,
  ...button
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-describedby"> & {
  blockedReason: ReactNode | null | undefined;
}) {
  const id = useId();
  const blocked = blockedReason !== null && blockedReason !== undefined && blockedReason !== false;
  return (
    <>
      <button {...button} disabled={disabled || blocked} aria-describedby={blocked ? id : undefined}>
        {children}
      </button>
      {blocked ? (
        <p id={id} className="hint">
          {blockedReason}
        </p>
      ) : null}
    </>
  );
}
