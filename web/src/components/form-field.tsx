"use client";
import { useId, type InputHTMLAttributes, type ReactNode } from "react";

/** Props a form control gets from {@link FormField}: its id and the ids of its hint and error. */
export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

/**
 * A labelled form control with an optional hint and error, both tied to the control through aria-describedby
 * (the error also sets aria-invalid), so screen readers read them with the field.
 */
export function FormField({
  label,
  hint,
  error,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(error ? { "aria-invalid": true as const } : {}),
      })}
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A decimal number input inside a {@link FormField} (amounts, minutes, hours): any step, the numeric keypad on
 * phones, `min` 0 unless given.
 */
export function DecimalInput({
  control,
  min = "0",
  ...input
}: { control: ControlProps } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "id" | "type" | "inputMode" | "step" | "aria-describedby" | "aria-invalid"
>) {
  return <input {...control} type="number" inputMode="decimal" min={min} step="any" {...input} />;
}

/**
 * A hex input inside a {@link FormField} (an address, a key): monospace, no autocomplete or spell check, "0x…" as
 * placeholder.
 */
export function HexInput({
  control,
  ...input
}: { control: ControlProps } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "id" | "type" | "aria-describedby" | "aria-invalid"
>) {
  return (
    <input
      {...control}
      type="text"
      className="mono"
      autoComplete="off"
      spellCheck={false}
      placeholder="0x…"
      {...input}
    />
  );
}

/** Moves focus to the first control of `form` marked aria-invalid (after a rejected submit). */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  first?.focus();
}
